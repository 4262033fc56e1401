/** Schema parts shared by knowledge entries and their actions: text given once or per locale. */
import { z } from 'zod';

export const nonEmptyText = z.string().trim().min(1, 'must not be empty');

/** `text` for every language, or `{zh-CN: …, en: …}` with at least one of them. */
export function localized(text: z.ZodType<string>) {
  return z.union([
    text,
    z
      .object({ 'zh-CN': text.optional(), en: text.optional() })
      .strict()
      .refine(
        (value) => Object.keys(value).length > 0,
        'give the text for at least one locale (zh-CN or en)',
      ),
  ]);
}

/** Text a template check runs on when the file loads, so a broken `{{` never reaches a customer. */
export function checkedTemplate(problem: (text: string) => string | undefined) {
  return nonEmptyText.superRefine((text, context) => {
    const found = problem(text);
    if (found) context.addIssue({ code: 'custom', message: found });
  });
}

export const localizedTextSchema = localized(nonEmptyText);
