/**
 * The settings of the platforms' channels and of the company systems knowledge actions call: one
 * section each in config/switchboard.yaml (schema.ts puts them together).
 */
import { z } from 'zod';
import { environmentName, flag, httpUrl, number, numeric } from './fields.js';

export const telegramSettings = z
  .object({
    botToken: z
      .string()
      .regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC-DEF… (from BotFather)')
      .optional(),
    /** Telegram echoes it in X-Telegram-Bot-Api-Secret-Token; 1-256 of A-Z a-z 0-9 _ - (Bot API rule). */
    webhookSecret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
    apiRoot: httpUrl.default('https://api.telegram.org'),
  })
  .strict()
  .prefault({});

export const slackSettings = z
  .object({
    botToken: z.string().startsWith('xoxb-', 'must be a bot token (xoxb-…)').optional(),
    signingSecret: z.string().min(16, "must be the app's signing secret").optional(),
    /** Socket Mode: Slack pushes events over a websocket, no public URL needed. */
    appToken: z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional(),
    agentChannel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id such as C0123ABCD')
      .optional(),
    /** Unclaimed conversations are escalated here (e.g. supervisors); the agents' channel when unset. */
    escalationChannel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id such as C0123ABCD')
      .optional(),
    apiUrl: httpUrl.default('https://slack.com/api/'),
  })
  .strict()
  .prefault({});

export const teamsSettings = z
  .object({
    appId: z.string().min(1).optional(),
    appPassword: z.string().min(1).optional(),
    appTenantId: z.string().min(1).optional(),
    appType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    agentChannel: z.string().min(1).optional(),
    /**
     * Serve /api/messages with no app id and no inbound auth, for the Bot Framework Emulator.
     * Never in production: anyone could post activities.
     */
    emulator: flag.default(false),
  })
  .strict()
  .prefault({});

export const wechatSettings = z
  .object({
    puppet: z.string().min(1).optional(),
    puppetToken: z.string().min(1).optional(),
  })
  .strict()
  .prefault({});

/** The sample knowledge base's order look-ups call `orders`, whose URL is ORDERS_API_URL (off when unset). */
export const DEFAULT_BACKENDS = { orders: { urlEnv: 'ORDERS_API_URL' } };

/**
 * Company systems that knowledge actions call (docs/knowledge.md "Actions"), by name. A backend
 * without a URL is off: entries that use it give their static answer.
 */
export const backendSettings = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'backend names use lowercase letters, digits and "_"'),
    z
      .object({
        url: httpUrl.optional(),
        /** The variable holding the URL, e.g. ORDERS_API_URL (read when the server starts). */
        urlEnv: environmentName.optional(),
        auth: z
          .object({
            header: z
              .string()
              .regex(/^[A-Za-z0-9-]+$/, 'must be a header name')
              .default('Authorization'),
            /** The variable holding the secret; secrets are never written in this file. */
            env: environmentName,
            /** Put before the secret, e.g. "Bearer ". */
            prefix: z.string().default(''),
            /** Filled from `env` when the server starts. */
            value: z.string().min(1).optional(),
          })
          .strict()
          .optional(),
        timeoutMs: numeric(number().int().min(100).max(60_000)).default(3000),
        /** Extra attempts after a timeout, network error or 5xx (GET only). */
        retries: numeric(number().int().min(0).max(3)).default(1),
        /** How long a successful GET answer is reused for the same URL (0: never). */
        cacheSeconds: numeric(number().int().min(0).max(3600)).default(30),
        /** Larger responses are refused. */
        maxResponseKilobytes: numeric(number().int().min(1).max(10_240)).default(256),
      })
      .strict()
      .superRefine((backend, context) => {
        if (backend.url && backend.auth && !backend.auth.value) {
          context.addIssue({
            code: 'custom',
            path: ['auth', 'env'],
            message: `${backend.auth.env} must be set: this backend sends it as ${backend.auth.header}`,
          });
        }
      }),
  )
  .prefault(DEFAULT_BACKENDS);
