import { describe, expect, it } from 'vitest';
import type { Conversation, Customer } from '../../src/core/model.js';
import { composeAnswer, conversationValues } from '../../src/knowledge/answer.js';
import { parseKnowledgeFile } from '../../src/knowledge/load.js';
import { renderTemplate, templateProblem, templateVariables } from '../../src/knowledge/templates.js';
import type { KnowledgeEntry } from '../../src/knowledge/types.js';

describe('answer templates', () => {
  it('fills in plain variables, without HTML escaping, and never prints an unknown one', () => {
    const values: Record<string, string> = { 'customer.name': 'Li <Lei> & Co', 'company.name': '演示商城' };
    expect(
      renderTemplate('Hi {{customer.name}}, welcome to {{ company.name }}! {{nope}}', (n) => values[n]),
    ).toBe('Hi Li <Lei> & Co, welcome to 演示商城! ');
    expect(templateVariables('{{a.b}} {{c}} {{a.b}}')).toEqual(['a.b', 'c']);
  });

  it('accepts plain text and variables, and names what else it finds', () => {
    expect(templateProblem('no variables at all, a } or { is fine')).toBeUndefined();
    expect(templateProblem('Hi {{customer.name}}')).toBeUndefined();
    expect(templateProblem('Hi {{customer.name')).toMatch(/^template syntax: Unclosed tag/);
    expect(templateProblem('{{#vip}}Welcome back{{/vip}}')).toBe(
      'only plain {{variables}} are allowed in answers, found "{{#vip}}"',
    );
    expect(templateProblem('{{> footer}}')).toMatch(/found "\{\{> footer\}\}"/);
    expect(templateProblem('{{{raw}}}')).toMatch(/found "\{\{\{raw\}\}\}"/);
    expect(templateProblem('{{}}')).toBe('template syntax: empty {{}}');
  });
});

describe('composeAnswer', () => {
  const [entry] = parseKnowledgeFile(
    `entries:
  - id: greeting
    questions: [hi]
    answer: { zh-CN: "您好{{customer.name}}，欢迎光临{{company.name}}", en: "Hi {{customer.name}}, welcome to {{company.name}}" }
    quickReplies: [order.track, human.request]
    channels:
      wechat: { answer: "{{company.name}}：请直接发送问题", quickReplies: [] }
      slack: { quickReplies: [human.request] }
`,
    'kb.yaml',
  ).entries as [KnowledgeEntry];
  const knowledge = { variables: new Map([['company.name', { 'zh-CN': '演示商城', en: 'Demo Shop' }]]) };
  const conversation = { id: 'conv_1', locale: 'en' } as Conversation;
  const context = (channel: 'telegram' | 'wechat' | 'slack', name?: string) => ({
    channel,
    locale: 'en' as const,
    fallback: 'zh-CN' as const,
    values: conversationValues(conversation, name ? ({ name } as never) : undefined),
  });

  it('uses the answer in the conversation’s language with its variables', () => {
    expect(composeAnswer(entry, knowledge, context('telegram', 'Ann'))).toEqual({
      text: 'Hi Ann, welcome to Demo Shop',
      quickReplies: ['order.track', 'human.request'],
    });
  });

  it('uses the platform’s variant, and the entry’s answer or buttons where the variant has none', () => {
    expect(composeAnswer(entry, knowledge, context('wechat'))).toEqual({
      text: 'Demo Shop：请直接发送问题',
      quickReplies: [],
    });
    expect(composeAnswer(entry, knowledge, context('slack'))).toEqual({
      text: 'Hi , welcome to Demo Shop',
      quickReplies: ['human.request'],
    });
  });
});

describe('conversationValues', () => {
  const conversation = {
    id: 'conv_x',
    locale: 'en',
  } as Conversation;
  const customer: Customer = {
    id: 'cus_a',
    identities: [],
    tier: 'standard',
    attributes: {},
    createdAt: '',
    name: 'Wang Fang',
  };

  it("greets with this chat's own name, else the customer's", () => {
    expect(conversationValues({ ...conversation, contactName: 'Lin' }, customer)['customer.name']).toBe(
      'Lin',
    );
    expect(conversationValues(conversation, customer)['customer.name']).toBe('Wang Fang');
  });

  it("never greets with a linked customer's name: the link rests on a number someone typed", () => {
    const linked: Customer = {
      ...customer,
      linked: [{ customerId: 'cus_b', identities: [], via: 'phone', at: '' }],
    };
    expect(conversationValues(conversation, linked)['customer.name']).toBeUndefined();
  });
});
