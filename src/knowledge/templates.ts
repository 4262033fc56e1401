/**
 * Variables in answers (`您好，欢迎来到{{company.name}}`), mustache syntax. Answers stay logic-free:
 * only plain `{{name}}` tags are allowed — no sections, partials, comments or delimiter changes —
 * so rendering is one lookup per tag, and a flat name like `company.name` needs no nested view.
 * No HTML escaping: answers are plain text or markdown, and each channel escapes for its platform.
 */
import Mustache from 'mustache';

/** Filled in by Switchboard for each conversation; a knowledge file cannot redefine them. */
export const BUILT_IN_VARIABLES = ['customer.name', 'customer.locale', 'conversation.id'] as const;
export type BuiltInVariable = (typeof BUILT_IN_VARIABLES)[number];

/** Names reserved for Switchboard: `customer.*` and `conversation.*`. */
export function isReservedVariable(name: string): boolean {
  return name.startsWith('customer.') || name.startsWith('conversation.');
}

/** Why `text` is not a valid answer template, or undefined when it is. */
export function templateProblem(text: string): string | undefined {
  let tokens: ReturnType<typeof Mustache.parse>;
  try {
    tokens = Mustache.parse(text);
  } catch (error) {
    return `template syntax: ${(error as Error).message}`;
  }
  for (const [type, name, start, end] of tokens) {
    if (type === 'text') continue;
    if (type !== 'name') {
      return `only plain {{variables}} are allowed in answers, found "${text.slice(start, end)}"`;
    }
    if (name.trim() === '') return 'template syntax: empty {{}}';
  }
  return undefined;
}

/**
 * Why `text` is not a valid action answer, or undefined. An action answer renders a backend's JSON
 * response, so besides plain tags it may use sections (`{{#eta}}…{{/eta}}`, `{{^eta}}…{{/eta}}`)
 * to show a field only when the response has it; partials and delimiter changes stay out.
 */
export function actionTemplateProblem(text: string): string | undefined {
  let tokens: ReturnType<typeof Mustache.parse>;
  try {
    tokens = Mustache.parse(text);
  } catch (error) {
    return `template syntax: ${(error as Error).message}`;
  }
  const allowed = new Set(['text', 'name', '&', '#', '^', '!']);
  const problem = (list: typeof tokens): string | undefined => {
    for (const token of list) {
      const [type, , start, end, children] = token as [string, string, number, number, typeof tokens?];
      if (!allowed.has(type)) {
        return `only {{field}}, {{#field}}…{{/field}} and {{^field}}…{{/field}} are allowed in action answers, found "${text.slice(start, end)}"`;
      }
      const inner = Array.isArray(children) ? problem(children) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  return problem(tokens);
}

/** Renders a valid action answer over a view (the backend's response and the slots); no HTML escaping. */
export function renderActionTemplate(text: string, view: Record<string, unknown>): string {
  return Mustache.render(text, view, undefined, { escape: (value: unknown) => String(value) });
}

/** The variable names a valid template uses, in order of first use. */
export function templateVariables(text: string): string[] {
  const names = Mustache.parse(text).flatMap(([type, name]) => (type === 'name' ? [name] : []));
  return [...new Set(names)];
}

/**
 * Renders a valid template (the loader rejects any other). A variable without a value renders
 * empty, never as `{{name}}`: lint warns about unknown names when the knowledge base loads.
 */
export function renderTemplate(text: string, value: (name: string) => string | undefined): string {
  return Mustache.parse(text)
    .map(([type, content]) => (type === 'text' ? content : (value(content) ?? '')))
    .join('');
}
