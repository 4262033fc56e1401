/**
 * The knowledge file format (docs/knowledge.md). The minimal form of DESIGN.md —
 * `entries: [{id, questions, answer}]` — stays valid forever; every other field is optional.
 */
import { z } from 'zod';
import { type Platform, PRIORITIES } from '../core/model.js';
import { actionSchema } from './action-schema.js';
import { checkedTemplate, localized, localizedTextSchema, nonEmptyText } from './localized-schema.js';
import { isReservedVariable, templateProblem } from './templates.js';

const answerSchema = localized(checkedTemplate(templateProblem));

const entryIdsSchema = z.array(z.string()).max(10);

const channelVariantSchema = z
  .object({
    answer: answerSchema.optional().describe('The answer on this platform instead of the entry’s answer.'),
    quickReplies: entryIdsSchema
      .optional()
      .describe('The buttons on this platform instead of the entry’s quickReplies ([] for none).'),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'give an answer or quickReplies for this platform');

// Spelled out rather than built from PLATFORMS so editors complete the names; `satisfies` keeps the
// list in step with the platforms Switchboard has.
const channelVariants = {
  webchat: channelVariantSchema.optional(),
  telegram: channelVariantSchema.optional(),
  slack: channelVariantSchema.optional(),
  teams: channelVariantSchema.optional(),
  wechat: channelVariantSchema.optional(),
} satisfies Record<Platform, unknown>;

export const entrySchema = z
  .object({
    id: z
      .string()
      .describe('Unique id across all files, e.g. refund.time.')
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,99}$/,
        'ids use lowercase letters, digits, ".", "_" and "-" (up to 100)',
      ),
    title: localizedTextSchema
      .optional()
      .describe('Short button label when this entry is offered as a quick reply.'),
    questions: z
      .array(nonEmptyText)
      .min(1, 'give at least one example question')
      .describe('Ways customers ask this, Chinese and English mixed; 6-12 different phrasings match best.'),
    answer: answerSchema.describe(
      'The reply: one text for every language, or {zh-CN: …, en: …}. May use {{variables}}, e.g. {{company.name}}.',
    ),
    quickReplies: entryIdsSchema
      .default([])
      .describe('Ids of other entries offered as buttons after this answer.'),
    handoff: z
      .boolean()
      .default(false)
      .describe('true: send the answer, then hand the conversation to a person.'),
    category: nonEmptyText.optional().describe('One group for admins and reports, e.g. returns.'),
    tags: z.array(nonEmptyText).default([]).describe('Labels for admins and reports, e.g. [refund, money].'),
    priority: z
      .enum(PRIORITIES)
      .optional()
      .describe('Raise the conversation to this priority when the bot answers or hands off with this entry.'),
    followUps: entryIdsSchema
      .default([])
      .describe(
        'Ids of entries the customer is likely to ask about next; they win close calls on the next message.',
      ),
    action: actionSchema
      .optional()
      .describe(
        'Answer from live data: collect slots (e.g. an order number), call a backend, answer from its response (docs/knowledge.md).',
      ),
    channels: z
      .object(channelVariants)
      .strict()
      .optional()
      .describe('Per-platform answer or buttons, e.g. a shorter text without buttons on wechat.'),
  })
  .strict();

const variableNameSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/,
    'variable names use lowercase letters, digits and "_", in parts joined by "." (e.g. company.name)',
  )
  .refine((name) => !isReservedVariable(name), 'customer.* and conversation.* are filled in by Switchboard');

export const knowledgeFileSchema = z
  .object({
    entries: z.array(entrySchema).describe('The knowledge entries of this file.'),
    synonyms: z
      .array(z.array(nonEmptyText).min(2, 'a synonym group needs at least two words'))
      .default([])
      .describe(
        'Groups of words that mean the same, e.g. [快递, 物流, 包裹]; they apply to the whole knowledge base.',
      ),
    variables: z
      .record(variableNameSchema, localizedTextSchema)
      .default({})
      .describe(
        'Values for {{variables}} in answers, e.g. company.name: Demo Shop; they apply to the whole knowledge base.',
      ),
  })
  .strict()
  .describe('A Switchboard knowledge file (docs/knowledge.md).');

/** JSON Schema of the file format, from the same schema the loader validates with. */
export function knowledgeJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(knowledgeFileSchema, { io: 'input' }) as Record<string, unknown>;
}
