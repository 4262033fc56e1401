import { describe, expect, it } from 'vitest';
import { lintKnowledge } from '../../src/knowledge/lint.js';
import { parseKnowledgeFile } from '../../src/knowledge/load.js';

function knowledge(yaml: string) {
  const parsed = parseKnowledgeFile(yaml, 'kb.yaml');
  expect(parsed.problems).toEqual([]);
  const variables = Object.fromEntries(parsed.variables.map((v) => [v.name, v.value]));
  return {
    entries: parsed.entries,
    synonyms: parsed.synonyms,
    synonymSources: parsed.synonymSources,
    variables,
  };
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

  it('warns about synonyms no question uses, and groups merged because they share a word, each at its place', () => {
    const warnings = lintKnowledge(
      knowledge(`entries:
  - id: order.track
    questions: [我的快递到哪了, where is my parcel, 查物流]
    answer: 在「我的订单」查看。
synonyms:
  - [快递, 物流]
  - [发票, 收据]
  - [包裹, 快递]
  - [parcel, Packages, 包裹]
`),
    );
    expect(warnings.map((w) => `${w.file}:${w.line}:${w.column}: ${w.message}`)).toEqual([
      'kb.yaml:7:5: synonyms [发票, 收据]: no question uses any of these words',
      'kb.yaml:8:5: synonyms [包裹, 快递]: "快递" is also in [快递, 物流] (kb.yaml:6), so the groups are merged: each of their words is rewritten to "快递"',
      'kb.yaml:9:5: synonyms [parcel, Packages, 包裹]: "包裹" is also in [包裹, 快递] (kb.yaml:8), so the groups are merged: each of their words is rewritten to "快递"',
    ]);
  });

  it('counts a synonym as used only where the rewrite would find it: whole words, any English form', () => {
    const warnings = lintKnowledge(
      knowledge(`entries:
  - id: files.open
    questions: [文件打不开, 附件下载失败, my packages are late]
    answer: 请重新下载。
synonyms:
  - [包裹, 件]
  - [parcel, package]
`),
    );
    expect(warnings.map((w) => w.message)).toEqual([
      'synonyms [包裹, 件]: no question uses any of these words',
    ]);
  });

  it('warns about two questions under different entries that are the same once synonyms are applied', () => {
    const warnings = lintKnowledge(
      knowledge(`entries:
  - id: order.track
    questions: [我的快递到哪了, where is my parcel, 查快递]
    answer: 在「我的订单」查看。
  - id: order.late
    questions: [我的物流到哪了, where are my packages, 快递太慢了]
    answer: 抱歉，我们帮您催一下。
synonyms:
  - [快递, 物流]
  - [parcel, package]
`),
    );
    expect(warnings.map((w) => `${w.entryId}: ${w.message}`)).toEqual([
      'order.late: question "我的物流到哪了" is also under entry "order.track" (as "我的快递到哪了", the same once synonyms are applied)',
    ]);
  });
});
