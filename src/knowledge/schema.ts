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
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,99}$/,
        'ids use lowercase letters, digits, ".", "_" and "-" (up to 100)',
      ),
    title: localizedTextSchema.optional(),
    questions: z.array(nonEmptyText).min(1, 'give at least one example question'),
    answer: localizedTextSchema,
    quickReplies: z.array(z.string()).max(10).default([]),
    handoff: z.boolean().default(false),
  })
  .strict();

export const knowledgeFileSchema = z.object({ entries: z.array(entrySchema) }).strict();

export type KnowledgeFile = z.infer<typeof knowledgeFileSchema>;
