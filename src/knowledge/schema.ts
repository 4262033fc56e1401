/**
 * The knowledge file format (docs/knowledge.md). The minimal form of DESIGN.md —
 * `entries: [{id, questions, answer}]` — stays valid forever; every other field is optional.
 */
import { z } from 'zod';

const nonEmptyText = z.string().trim().min(1, 'must not be empty');

export const localizedTextSchema = z.union([
  nonEmptyText,
  z
    .object({ 'zh-CN': nonEmptyText.optional(), en: nonEmptyText.optional() })
    .strict()
    .refine((value) => Object.keys(value).length > 0, 'give the text for at least one locale (zh-CN or en)'),
]);

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
    answer: localizedTextSchema.describe('The reply: one text for every language, or {zh-CN: …, en: …}.'),
    quickReplies: z
      .array(z.string())
      .max(10)
      .default([])
      .describe('Ids of other entries offered as buttons after this answer.'),
    handoff: z
      .boolean()
      .default(false)
      .describe('true: send the answer, then hand the conversation to a person.'),
  })
  .strict();

export const knowledgeFileSchema = z
  .object({
    entries: z.array(entrySchema).describe('The knowledge entries of this file.'),
    synonyms: z
      .array(z.array(nonEmptyText).min(2, 'a synonym group needs at least two words'))
      .default([])
      .describe(
        'Groups of words that mean the same, e.g. [快递, 物流, 包裹]; they apply to the whole knowledge base.',
      ),
  })
  .strict()
  .describe('A Switchboard knowledge file (docs/knowledge.md).');

/** JSON Schema of the file format, from the same schema the loader validates with. */
export function knowledgeJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(knowledgeFileSchema, { io: 'input' }) as Record<string, unknown>;
}
