import { describe, expect, it } from 'vitest';
import { lintKnowledge } from '../../src/knowledge/lint.js';
import { parseKnowledgeFile } from '../../src/knowledge/load.js';

function knowledge(yaml: string) {
  const parsed = parseKnowledgeFile(yaml, 'kb.yaml');
  expect(parsed.problems).toEqual([]);
  const variables = Object.fromEntries(parsed.variables.map((v) => [v.name, v.value]));
  return { entries: parsed.entries, synonyms: parsed.synonyms, variables };
}

describe('knowledge lint warnings', () => {
  it('warns about a question under two entries, too few questions and a missing locale', () => {
    const warnings = lintKnowledge(
      knowledge(`entries:
  - id: refund.time
    questions: [退款多久到账, how long does a refund take, refund timing]
    answer: { zh-CN: 3-5 个工作日 }
  - id: refund.status
    questions: ["How long does a refund take?"]
    answer: { zh-CN: 查看订单, en: See your order }
`),
    );
    expect(warnings.map((w) => `${w.entryId}: ${w.message}`)).toEqual([
      'refund.time: answer has no en text; those customers get another language',
      'refund.status: question "How long does a refund take?" is also under entry "refund.time"',
      'refund.status: only 1 example question(s); give at least 3 ways of asking',
    ]);
    expect(warnings[0]).toMatchObject({ file: 'kb.yaml', line: 2 });
  });

  it('has nothing to say about a plain string answer with enough questions', () => {
    expect(
      lintKnowledge(
        knowledge('entries:\n  - id: a\n    questions: [one, two, three]\n    answer: one text for all\n'),
      ),
    ).toEqual([]);
  });

  it('warns about an answer variable nobody defines, in the answer and in channel variants', () => {
    const warnings = lintKnowledge(
      knowledge(`entries:
  - id: greeting
    questions: [hi, hello, 你好]
    answer: { zh-CN: "您好{{customer.name}}，欢迎光临{{company.name}}", en: "Hi, this is {{company.nmae}}" }
    channels:
      wechat: { answer: "{{shop.phone}} {{conversation.id}}" }
variables:
  company.name: Demo Shop
`),
    );
    const known = 'known: customer.name, customer.locale, conversation.id, company.name';
    expect(warnings.map((w) => w.message)).toEqual([
      `answer.en: {{company.nmae}} is not a variable, it would be sent empty (${known})`,
      `channels.wechat.answer: {{shop.phone}} is not a variable, it would be sent empty (${known})`,
    ]);
  });

  it('warns about synonyms no question uses, and a word in two groups', () => {
    const warnings = lintKnowledge(
      knowledge(`entries:
  - id: order.track
    questions: [我的快递到哪了, where is my parcel, 查物流]
    answer: 在「我的订单」查看。
synonyms:
  - [快递, 物流, 包裹]
  - [发票, 收据]
  - [parcel, 包裹]
`),
    );
    expect(warnings.map((w) => w.message)).toEqual([
      'synonyms [发票, 收据]: no question uses any of these words',
      'synonym "包裹" is in two groups: [快递, 物流, 包裹] and [parcel, 包裹]',
    ]);
  });
});
