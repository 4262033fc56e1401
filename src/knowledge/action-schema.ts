/**
 * The `action:` of a knowledge entry (docs/knowledge.md "Actions"): the slots to collect, the
 * backend call, and the answers over its response. Checked whole when the file loads: a path that
 * names an undeclared slot, a pattern that does not compile or a broken template never goes live.
 */
import { z } from 'zod';
import { checkedTemplate, localized, localizedTextSchema } from './localized-schema.js';
import { actionTemplateProblem } from './templates.js';

const NAME = /^[a-z][a-z0-9_]{0,39}$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

const actionAnswer = localized(checkedTemplate(actionTemplateProblem));

const patternSchema = z.string().superRefine((pattern, context) => {
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, 'u');
  } catch (error) {
    context.addIssue({
      code: 'custom',
      message: `not a valid regular expression: ${(error as Error).message}`,
    });
    return;
  }
  if (compiled.test('')) context.addIssue({ code: 'custom', message: 'must not match an empty value' });
});

export const SLOT_SOURCES = ['message', 'profile', 'ask'] as const;
export const PROFILE_FIELDS = ['phone', 'email', 'name'] as const;

const slotSchema = z
  .object({
    pattern: patternSchema.describe(
      'What a valid value looks like (a regular expression, e.g. "[A-Z][0-9]{7}"); found anywhere in the message.',
    ),
    prompt: localizedTextSchema.describe(
      'How the bot asks for the value, e.g. {zh-CN: 请提供订单号, en: What is your order number?}',
    ),
    invalid: localizedTextSchema
      .optional()
      .describe('Said when the customer’s reply is not a valid value, before asking again.'),
    from: z
      .array(z.enum(SLOT_SOURCES))
      .min(1)
      .default(['message', 'ask'])
      .describe(
        'Where the value comes from, in order: the message that asked, the customer’s profile, or asking.',
      ),
    profile: z
      .enum(PROFILE_FIELDS)
      .optional()
      .describe('The profile detail used when `from` includes profile.'),
    uppercase: z
      .boolean()
      .default(false)
      .describe('Upper-case the value before checking it (a1234567 -> A1234567).'),
  })
  .strict()
  .superRefine((slot, context) => {
    if (slot.from.includes('profile') && !slot.profile) {
      context.addIssue({
        code: 'custom',
        path: ['profile'],
        message: 'name the profile detail (phone, email or name) when `from` includes profile',
      });
    }
  });

const templatedString = z.string().max(500);

export const actionSchema = z
  .object({
    backend: z
      .string()
      .regex(NAME, 'backend names use lowercase letters, digits and "_"')
      .describe(
        'A backend of config/switchboard.yaml `backends:`; without one configured, the entry gives its static answer.',
      ),
    slots: z
      .record(z.string().regex(NAME, 'slot names use lowercase letters, digits and "_"'), slotSchema)
      .default({})
      .describe('The values the call needs, by name; used as {name} in the request.'),
    request: z
      .object({
        method: z
          .enum(['GET', 'POST'])
          .default('GET')
          .describe('GET is retried and cached; POST is sent once.'),
        path: templatedString
          .regex(/^\/[^?#]*$/, 'must be a path starting with "/", without ? or # (use query)')
          .describe('Appended to the backend’s URL, with {slot} placeholders, e.g. /orders/{order_id}.'),
        query: z
          .record(z.string(), templatedString)
          .default({})
          .describe('Query parameters; values may use {slot}.'),
        body: z
          .record(z.string(), templatedString)
          .optional()
          .describe('A JSON body for POST; values may use {slot}.'),
      })
      .strict(),
    answer: actionAnswer.describe(
      'The reply over the JSON response, e.g. "Order {{id}}: {{status}}{{#eta}}, arriving {{eta}}{{/eta}}". {{slots.name}} gives a slot.',
    ),
    notFound: actionAnswer.optional().describe('The reply when the backend answers 404.'),
    error: actionAnswer.optional().describe('The reply when the call fails (timeout, 5xx, bad response).'),
    maxAsks: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(2)
      .describe('How many invalid replies to a slot question before handing the customer to a person.'),
  })
  .strict()
  .superRefine((action, context) => {
    const declared = new Set(Object.keys(action.slots));
    const check = (text: string, path: (string | number)[]) => {
      for (const [, name] of text.matchAll(PLACEHOLDER)) {
        if (!declared.has(name ?? '')) {
          context.addIssue({
            code: 'custom',
            path,
            message: `{${name}} is not a slot of this action (declare it under slots)`,
          });
        }
      }
    };
    check(action.request.path, ['request', 'path']);
    for (const [key, value] of Object.entries(action.request.query)) check(value, ['request', 'query', key]);
    for (const [key, value] of Object.entries(action.request.body ?? {}))
      check(value, ['request', 'body', key]);
    if (action.request.body && action.request.method === 'GET') {
      context.addIssue({
        code: 'custom',
        path: ['request', 'body'],
        message: 'a GET request has no body (use query, or method: POST)',
      });
    }
  });

export type KnowledgeAction = z.output<typeof actionSchema>;
export type ActionSlot = KnowledgeAction['slots'][string];

/** Fills `{slot}` placeholders with `encode(value)`; every placeholder names a declared slot (checked at load). */
export function fillPlaceholders(
  text: string,
  values: Record<string, string>,
  encode: (value: string) => string,
): string {
  return text.replace(PLACEHOLDER, (_, name: string) => encode(values[name] ?? ''));
}
