/** A broken action never goes live: each mistake is reported with its line and entry when the file loads. */
import { describe, expect, it } from 'vitest';
import { parseKnowledgeFile } from '../../src/knowledge/load.js';

function entryWith(action: string): string {
  return `entries:
  - id: order.track
    questions: [where is my order]
    answer: Open "My orders".
    action:
${action
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;
}

const VALID = `backend: orders
slots:
  order_id:
    pattern: "[A-Z][0-9]{7}"
    prompt: {zh-CN: 订单号？, en: Order number?}
request:
  path: /orders/{order_id}
answer: "Order {{id}}: {{status}}{{#eta}}, due {{eta}}{{/eta}}"`;

function problems(yaml: string): string[] {
  return parseKnowledgeFile(yaml, 'orders.yaml').problems.map(
    (p) => `${p.line} ${p.entryId ?? ''} ${p.message}`,
  );
}

describe('knowledge actions in YAML', () => {
  it('accepts an action with slots, a request and templates with sections', () => {
    const parsed = parseKnowledgeFile(entryWith(VALID), 'orders.yaml');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries[0]?.action).toMatchObject({
      backend: 'orders',
      request: { method: 'GET', path: '/orders/{order_id}', query: {} },
      slots: { order_id: { from: ['message', 'ask'], uppercase: false } },
      maxAsks: 2,
    });
  });

  it('names a placeholder that is not a slot', () => {
    expect(problems(entryWith(VALID.replace('{order_id}', '{order}')))).toEqual([
      expect.stringMatching(/^12 order\.track action\.request\.path: \{order\} is not a slot of this action/),
    ]);
  });

  it('reports a pattern that does not compile or matches nothing at all', () => {
    expect(problems(entryWith(VALID.replace('"[A-Z][0-9]{7}"', '"[A-Z"')))).toEqual([
      expect.stringContaining('action.slots.order_id.pattern: not a valid regular expression'),
    ]);
    expect(problems(entryWith(VALID.replace('"[A-Z][0-9]{7}"', '"[0-9]*"')))).toEqual([
      expect.stringContaining('must not match an empty value'),
    ]);
  });

  it('refuses partials in answers and a path with a query string', () => {
    expect(problems(entryWith(VALID.replace('{{#eta}}', '{{> eta}}{{#eta}}')))).toEqual([
      expect.stringContaining('only {{field}}, {{#field}}…{{/field}} and {{^field}}…{{/field}} are allowed'),
    ]);
    expect(problems(entryWith(VALID.replace('/orders/{order_id}', '/orders?id={order_id}')))).toEqual([
      expect.stringContaining('must be a path starting with "/", without ? or # (use query)'),
    ]);
  });

  it('asks for the profile detail when a slot may come from the profile', () => {
    expect(
      problems(entryWith(VALID.replace('    pattern:', '    from: [profile, ask]\n    pattern:'))),
    ).toEqual([expect.stringContaining('name the profile detail')]);
  });
});
