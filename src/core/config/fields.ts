/**
 * The building blocks of the settings' rules (schema.ts): numbers and switches that come as words
 * from the environment, time zones, environment variable names, patterns and encryption keys.
 */
import { z } from 'zod';
import { parseEncryptionKey } from '../privacy/encryption-keys.js';

// Numbers come as numbers from the YAML file and as strings from the environment. z.coerce would
// also turn a key left empty in the file (null), "" or true into 0 or 1 — an answerThreshold of 0
// answers everything — so only non-blank strings are converted; anything else must be a number.
export const numeric = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), schema);
export const number = () => z.number({ error: 'must be a number' });
export const seconds = (max: number) => numeric(number().int().min(1).max(max));
export const share = numeric(number().min(0).max(1));
// Switches come as booleans from the YAML file and as words from the environment.
export const flag = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const word = value.trim().toLowerCase();
    return ['true', '1', 'yes', 'on'].includes(word)
      ? true
      : ['false', '0', 'no', 'off'].includes(word)
        ? false
        : value;
  },
  z.boolean({ error: 'must be true or false' }),
);
export const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
export const environmentName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'must be an environment variable name such as ORDERS_API_URL');
export const isRegExp = (pattern: string) => {
  try {
    new RegExp(pattern, 'g');
    return true;
  } catch {
    return false;
  }
};
export const isEncryptionKey = (key: string) => {
  try {
    parseEncryptionKey(key);
    return true;
  } catch {
    return false;
  }
};
/** Each encryption key must parse; the message never repeats the key. */
export const keyProblems = (keys: string | string[] | undefined, context: z.RefinementCtx) => {
  for (const key of typeof keys === 'string' ? [keys] : (keys ?? [])) {
    try {
      parseEncryptionKey(key);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return;
    }
  }
};
export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
