/**
 * Every setting, its default and its rule. `config/switchboard.yaml` holds these keys; the
 * environment variables in ENVIRONMENT override them (environment wins).
 */
import { z } from 'zod';
import { LOCALES } from '../model.js';
import { encryptionKeys, splitKeyList } from '../privacy/encryption-keys.js';
import { INTERVAL, WEEKDAYS } from '../routing/business-hours.js';
import {
  backendSettings,
  slackSettings,
  teamsSettings,
  telegramSettings,
  wechatSettings,
} from './channel-settings.js';
import {
  flag,
  httpUrl,
  isEncryptionKey,
  isRegExp,
  isTimeZone,
  keyProblems,
  number,
  numeric,
  seconds,
  share,
} from './fields.js';

export const configSchema = z
  .object({
    port: numeric(number().int('must be a whole number').min(1).max(65535)).default(3000),
    host: z.string().min(1).default('0.0.0.0'),
    publicUrl: httpUrl.optional(),
    storeUrl: z
      .string()
      .regex(
        /^(sqlite|redis|rediss|postgres|postgresql):/,
        'must start with sqlite://, redis://, rediss:// or postgres://',
      )
      .default('sqlite://data/switchboard.sqlite'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    adminToken: z.string().min(16, 'must be at least 16 characters').optional(),
    defaultLocale: z.enum(LOCALES).default('zh-CN'),
    knowledge: z
      .object({
        dir: z.string().min(1).default('config/knowledge'),
        /** Reload the folder when its files change (a bad edit keeps the last good version serving). */
        watch: z.boolean().default(true),
        /**
         * At or above: answer. Confidences estimate the chance the best entry is right, fitted per
         * knowledge base; the trade-off and measured figures are in docs/knowledge.md.
         */
        answerThreshold: share.default(0.45),
        /** Between this and answerThreshold: offer the best entries as "did you mean…?" buttons. */
        suggestThreshold: share.default(0.3),
      })
      .strict()
      .prefault({})
      .refine((k) => k.suggestThreshold <= k.answerThreshold, {
        message: 'suggestThreshold must not be above answerThreshold',
        path: ['suggestThreshold'],
      }),
    dedupe: z
      .object({
        // Platforms retry for minutes to hours (Telegram keeps retrying a failing webhook for a day); a day covers them all.
        ttlSeconds: seconds(7 * 86400).default(86400),
      })
      .strict()
      .prefault({}),
    webchat: z
      .object({
        maxTextLength: numeric(number().int().min(1).max(100_000)).default(4000),
        /** Sites allowed to show the chat page in an <iframe> (CSP frame-ancestors), e.g. https://shop.example. */
        embedOrigins: z
          .array(z.url({ protocol: /^https?$/, error: 'must be an origin such as https://shop.example' }))
          .default([]),
      })
      .strict()
      .prefault({}),
    shutdownTimeoutSeconds: seconds(300).default(10),
    files: z
      .object({
        /** Where files handed on between platforms (an agent's attachment) are kept; served at /files/. */
        dir: z.string().min(1).default('data/files'),
        maxMegabytes: numeric(number().int().min(1).max(100)).default(20),
        /** Files expire after this many days. */
        ttlDays: numeric(number().int().min(1).max(365)).default(30),
      })
      .strict()
      .prefault({}),
    routing: z
      .object({
        /** Customer messages in a row without a confident answer before the bot hands off (the first gets suggestions). */
        missesBeforeHandoff: numeric(number().int().min(1).max(10)).default(2),
        /** Hand off when a message reads at least this upset (0-1, see docs/routing.md); 1 turns it off. */
        angerThreshold: share.default(0.6),
        /** At or above: the conversation is marked urgent. */
        urgencyThreshold: share.default(0.4),
        /** Hand off when the customer sends the same message twice in a row (the bot clearly did not help). */
        handoffOnRepeat: flag.default(true),
        /** When people are at work; outside these hours a handoff is queued for the next opening. Unset: always open. */
        businessHours: z
          .object({
            timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
            weekly: z
              .object(
                Object.fromEntries(
                  WEEKDAYS.map((day) => [
                    day,
                    z.array(z.string().regex(INTERVAL, 'must be HH:MM-HH:MM, e.g. 09:00-18:00')).optional(),
                  ]),
                ),
              )
              .strict(),
            holidays: z.array(z.iso.date({ error: 'must be a date YYYY-MM-DD' })).default([]),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    desk: z
      .object({
        /** An unclaimed handoff is re-pinged in its thread after this long. */
        remindAfterSeconds: seconds(86400).default(120),
        /** …and escalated (escalation channel alerted, customer offered to leave a message) after this long. */
        escalateAfterSeconds: seconds(7 * 86400).default(600),
        /** How often the SLA timers are checked. */
        slaCheckSeconds: seconds(3600).default(15),
        /** An agent's thread reply starting with one of these is an internal note, never sent to the customer. */
        notePrefixes: z.array(z.string().min(1)).min(1).default(['note:', 'note：', '备注:', '备注：', '//']),
      })
      .strict()
      .prefault({})
      .refine((d) => d.escalateAfterSeconds > d.remindAfterSeconds, {
        message: 'escalateAfterSeconds must be longer than remindAfterSeconds',
        path: ['escalateAfterSeconds'],
      }),
    /** After a conversation: closing idle ones, the satisfaction survey, follow-ups (docs/csat.md). */
    csat: z
      .object({
        /** Ask for a 1-5 rating when a conversation closes (bot-resolved or closed by an agent). */
        enabled: flag.default(true),
        /** A bot conversation with no message for this long is closed as resolved by the bot. */
        closeIdleMinutes: numeric(
          number()
            .int()
            .min(1)
            .max(7 * 1440),
        ).default(30),
        /** A handed-off conversation no agent claimed for this long is closed as abandoned (no survey). */
        abandonAfterMinutes: numeric(
          number()
            .int()
            .min(1)
            .max(30 * 1440),
        ).default(1440),
        /** How often idle conversations are looked for. */
        checkSeconds: seconds(3600).default(60),
        /** How long the survey waits for an answer; after it, the chat's next message is a new conversation. */
        answerWithinMinutes: numeric(
          number()
            .int()
            .min(1)
            .max(7 * 1440),
        ).default(1440),
        /** A rating at or below this alerts the agents' thread and opens a follow-up ticket. */
        lowScore: numeric(number().int().min(1).max(4)).default(2),
        /** Also ask "how likely are you to recommend us" (0-10) after the rating. */
        nps: flag.default(false),
      })
      .strict()
      .prefault({}),
    telegram: telegramSettings,
    slack: slackSettings,
    teams: teamsSettings,
    backends: backendSettings,
    wechat: wechatSettings,
    /** Alerts to the agents' channel and the log (docs/alerts.md). */
    alerts: z
      .object({
        enabled: flag.default(true),
        /** How often the alert rules are checked. */
        checkSeconds: seconds(3600).default(60),
        handoffRate: z
          .object({
            /** Alert when this hour's handoff rate is this many times the same hour's over the baseline days. */
            factor: numeric(number().min(1).max(100)).default(2),
            baselineDays: numeric(number().int().min(1).max(28)).default(7),
            /** Conversations needed this hour (and in the baseline) before the rate means anything. */
            minConversations: numeric(number().int().min(1)).default(10),
            minHandoffs: numeric(number().int().min(1)).default(5),
          })
          .strict()
          .prefault({}),
        /** Waiting conversations past desk.escalateAfterSeconds at once that make an incident. */
        slaBreaches: numeric(number().int().min(1)).default(3),
        csat: z
          .object({
            /** Alert when the average since yesterday is this much below the baseline days' (1-5 scale). */
            drop: numeric(number().min(0.1).max(4)).default(0.5),
            baselineDays: numeric(number().int().min(1).max(28)).default(7),
            minRatings: numeric(number().int().min(1)).default(5),
          })
          .strict()
          .prefault({}),
        /** A channel (or the agents' desk) not up for this long is an incident. */
        channelDownSeconds: seconds(86400).default(120),
      })
      .strict()
      .prefault({}),
    /** The daily summary in the agents' channel (docs/alerts.md). */
    reports: z
      .object({
        enabled: flag.default(true),
        /** Local time the summary of yesterday is posted. */
        dailyAt: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, e.g. 09:00')
          .default('09:00'),
        /** Zone of dailyAt; default routing.businessHours.timezone, else UTC. */
        timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').optional(),
      })
      .strict()
      .prefault({}),
    /** Transcripts encrypted at rest (docs/privacy.md); the keys stay in the environment. */
    storeEncryption: z
      .object({
        /** Base64 of 32 random bytes, optionally `<id>:<base64>`; new values are sealed with it. */
        key: z.string().optional().superRefine(keyProblems),
        /** Earlier keys still accepted for reading until `npm run admin -- reencrypt`. */
        oldKeys: z.preprocess(splitKeyList, z.array(z.string())).superRefine(keyProblems).default([]),
      })
      .strict()
      .prefault({})
      .superRefine((settings, context) => {
        // A key that does not parse is reported above, once.
        if (![settings.key ?? [], settings.oldKeys].flat().every(isEncryptionKey)) return;
        try {
          encryptionKeys(settings);
        } catch (error) {
          context.addIssue({ code: 'custom', path: ['oldKeys'], message: (error as Error).message });
        }
      }),
    /** Closed conversations older than this are deleted with their messages (docs/privacy.md). */
    retention: z
      .object({
        /** Unset: kept for ever. */
        days: numeric(number().int().min(1).max(36_500)).optional(),
        /** How often old conversations are looked for. */
        checkMinutes: numeric(number().int().min(1).max(1440)).default(60),
      })
      .strict()
      .prefault({}),
    privacy: z
      .object({
        /** More personal data to mask in logs and agent channels, e.g. { label: member, pattern: "VIP\\d{8}" }. */
        extraPatterns: z
          .array(
            z
              .object({
                label: z
                  .string()
                  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a short lowercase word such as member-id'),
                pattern: z.string().min(1).refine(isRegExp, 'must be a valid regular expression'),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, context) => {
    const require = (when: boolean, path: string[], message: string) => {
      if (when) context.addIssue({ code: 'custom', path, message });
    };
    const { telegram, slack, teams } = config;
    require(Boolean(telegram.botToken && config.publicUrl && !telegram.webhookSecret), [
      'telegram',
      'webhookSecret',
    ], 'TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_BOT_TOKEN and PUBLIC_URL are set (webhook mode)');
    require(Boolean(slack.botToken && !slack.signingSecret && !slack.appToken), [
      'slack',
      'signingSecret',
    ], 'SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set (or set SLACK_APP_TOKEN for Socket Mode)');
    require(Boolean((slack.signingSecret || slack.appToken) && !slack.botToken), [
      'slack',
      'botToken',
    ], 'SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
    require(Boolean(teams.appId && teams.appType !== 'UserAssignedMSI' && !teams.appPassword), [
      'teams',
      'appPassword',
    ], 'MICROSOFT_APP_PASSWORD is required when MICROSOFT_APP_ID is set');
    require(Boolean(teams.appType === 'SingleTenant' && teams.appId && !teams.appTenantId), [
      'teams',
      'appTenantId',
    ], 'MICROSOFT_APP_TENANT_ID is required for a SingleTenant app');
  });

export type Config = z.infer<typeof configSchema>;

/** Environment variable -> setting path. DESIGN.md's environment contract. */
export const ENVIRONMENT: Record<string, string[]> = {
  PORT: ['port'],
  HOST: ['host'],
  PUBLIC_URL: ['publicUrl'],
  STORE_URL: ['storeUrl'],
  LOG_LEVEL: ['logLevel'],
  ADMIN_TOKEN: ['adminToken'],
  DEFAULT_LOCALE: ['defaultLocale'],
  KNOWLEDGE_DIR: ['knowledge', 'dir'],
  TELEGRAM_BOT_TOKEN: ['telegram', 'botToken'],
  TELEGRAM_WEBHOOK_SECRET: ['telegram', 'webhookSecret'],
  TELEGRAM_API_ROOT: ['telegram', 'apiRoot'],
  SLACK_BOT_TOKEN: ['slack', 'botToken'],
  SLACK_SIGNING_SECRET: ['slack', 'signingSecret'],
  SLACK_APP_TOKEN: ['slack', 'appToken'],
  SLACK_AGENT_CHANNEL: ['slack', 'agentChannel'],
  SLACK_ESCALATION_CHANNEL: ['slack', 'escalationChannel'],
  SLACK_API_URL: ['slack', 'apiUrl'],
  MICROSOFT_APP_ID: ['teams', 'appId'],
  MICROSOFT_APP_PASSWORD: ['teams', 'appPassword'],
  MICROSOFT_APP_TENANT_ID: ['teams', 'appTenantId'],
  MICROSOFT_APP_TYPE: ['teams', 'appType'],
  TEAMS_AGENT_CHANNEL: ['teams', 'agentChannel'],
  TEAMS_EMULATOR: ['teams', 'emulator'],
  WECHATY_PUPPET: ['wechat', 'puppet'],
  WECHATY_PUPPET_SERVICE_TOKEN: ['wechat', 'puppetToken'],
  STORE_ENCRYPTION_KEY: ['storeEncryption', 'key'],
  STORE_ENCRYPTION_OLD_KEYS: ['storeEncryption', 'oldKeys'],
  RETENTION_DAYS: ['retention', 'days'],
};
