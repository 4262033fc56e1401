/**
 * Every setting, its default and its rule. `config/switchboard.yaml` holds these keys; the
 * environment variables in ENVIRONMENT override them (environment wins).
 */
import { z } from 'zod';
import { LOCALES } from '../model.js';

// Numbers come as numbers from the YAML file and as strings from the environment. z.coerce would
// also turn a key left empty in the file (null), "" or true into 0 or 1 — an answerThreshold of 0
// answers everything — so only non-blank strings are converted; anything else must be a number.
const numeric = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), schema);
const number = () => z.number({ error: 'must be a number' });
const seconds = (max: number) => numeric(number().int().min(1).max(max));
const share = numeric(number().min(0).max(1));

export const configSchema = z
  .object({
    port: numeric(number().int('must be a whole number').min(1).max(65535)).default(3000),
    host: z.string().min(1).default('0.0.0.0'),
    publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
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
        /** At or above: answer. The trade-off is documented in the README. */
        answerThreshold: share.default(0.4),
        /** Between this and answerThreshold: offer the best entries as "did you mean…?" buttons. */
        suggestThreshold: share.default(0.25),
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
  })
  .strict();

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
};
