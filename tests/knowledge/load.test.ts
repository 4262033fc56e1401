import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatProblem,
  KnowledgeLoadError,
  type KnowledgeProblem,
  loadKnowledge,
  parseKnowledgeFile,
} from '../../src/knowledge/load.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchboard-kb-'));
}

/** The problems loadKnowledge throws, or a failure if it loads. */
async function problemsOf(dir: string): Promise<KnowledgeProblem[]> {
  const error = await loadKnowledge(dir).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KnowledgeLoadError);
  return (error as KnowledgeLoadError).problems;
}

describe('parseKnowledgeFile', () => {
  it('accepts the minimal form of DESIGN.md and fills in the defaults', () => {
    const text = [
      'entries:',
      '  - id: order.track',
      '    questions: [我的快递到哪了, where is my parcel]',
      '    answer: 您可以在「我的订单」里查看物流。',
    ].join('\n');
    const { entries, problems } = parseKnowledgeFile(text, 'shop.yaml');
    expect(problems).toEqual([]);
    expect(entries).toEqual([
      {
        id: 'order.track',
        questions: ['我的快递到哪了', 'where is my parcel'],
        answer: '您可以在「我的订单」里查看物流。',
        quickReplies: [],
        handoff: false,
        tags: [],
        followUps: [],
        source: { file: 'shop.yaml', line: 2 },
      },
    ]);
  });

  it('accepts per-locale answers and titles, quick replies and handoff', () => {
    const text = [
      'entries:',
      '  - id: human.request',
      '    title: { zh-CN: 转人工, en: Talk to a human }',
      '    questions: [转人工, talk to a human]',
      '    answer:',
      '      zh-CN: 正在为您转接人工客服。',
      '      en: Transferring you to a person.',
      '    quickReplies: [human.request]',
      '    handoff: true',
      '  - id: english.only',
      '    questions: [hello]',
      '    answer: { en: Hi! }',
    ].join('\n');
    const { entries, problems } = parseKnowledgeFile(text, 'kb.yaml');
    expect(problems).toEqual([]);
    expect(entries[0]).toMatchObject({
      answer: { 'zh-CN': '正在为您转接人工客服。', en: 'Transferring you to a person.' },
      title: { 'zh-CN': '转人工', en: 'Talk to a human' },
      quickReplies: ['human.request'],
      handoff: true,
    });
    expect(entries[1]).toMatchObject({ answer: { en: 'Hi!' }, source: { line: 10 } });
  });

  it('accepts category, tags, priority, follow-ups, channel variants and variables', () => {
    const text = [
      'entries:',
      '  - id: complaint',
      '    category: general',
      '    tags: [complaint, escalation]',
      '    questions: [我要投诉, I want to complain]',
      '    answer: { zh-CN: 已转交主管。, en: "{{company.name}} will call you back." }',
      '    handoff: true',
      '    priority: urgent',
      '    followUps: [complaint]',
      '    channels:',
      '      wechat: { answer: 已转交主管, quickReplies: [] }',
      '      telegram: { quickReplies: [complaint] }',
      'variables:',
      '  company.name: { zh-CN: 演示商城, en: Demo Shop }',
      '  support_phone: 400-000-0000',
    ].join('\n');
    const { entries, variables, problems } = parseKnowledgeFile(text, 'kb.yaml');
    expect(problems).toEqual([]);
    expect(entries[0]).toMatchObject({
      category: 'general',
      tags: ['complaint', 'escalation'],
      priority: 'urgent',
      followUps: ['complaint'],
      channels: {
        wechat: { answer: '已转交主管', quickReplies: [] },
        telegram: { quickReplies: ['complaint'] },
      },
    });
    expect(variables).toEqual([
      {
        name: 'company.name',
        value: { 'zh-CN': '演示商城', en: 'Demo Shop' },
        source: { file: 'kb.yaml', line: 14 },
      },
      { name: 'support_phone', value: '400-000-0000', source: { file: 'kb.yaml', line: 15 } },
    ]);
  });

  it('reports a broken or logic-bearing answer template, an unknown platform and a bad variable', () => {
    const text = [
      'entries:', //                                                      1
      '  - id: greeting', //                                              2
      '    questions: [hi]', //                                           3
      '    answer:', //                                                   4
      '      en: Hi {{customer.name', //                                  5
      '  - id: vip', //                                                   6
      '    questions: [vip]', //                                          7
      '    answer: ok', //                                                8
      '    channels:', //                                                 9
      '      whatsapp: { answer: hi }', //                                10
      '      wechat: { answer: "{{#vip}}Welcome back{{/vip}}" }', //      11
      '      slack: {}', //                                               12
      '    priority: critical', //                                        13
      'variables:', //                                                    14
      '  customer.name: Ann', //                                          15
    ].join('\n');
    const lines = parseKnowledgeFile(text, 'kb.yaml').problems.map(formatProblem);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kb\.yaml:5:11 entry "greeting": answer\.en: template syntax: Unclosed tag/),
        'kb.yaml:10:7 entry "vip": channels: Unrecognized key: "whatsapp"',
        'kb.yaml:11:25 entry "vip": channels.wechat.answer: only plain {{variables}} are allowed in answers, found "{{#vip}}"',
        'kb.yaml:12:14 entry "vip": channels.slack: give an answer or quickReplies for this platform',
        expect.stringMatching(/^kb\.yaml:13:15 entry "vip": priority: .*"urgent"/),
        expect.stringMatching(
          /^kb\.yaml:15:\d+: variables\.customer\.name: customer\.\* and conversation\.\* are filled in/,
        ),
      ]),
    );
  });

  it('reports every problem of a file, each with its line, column and entry id', () => {
    const text = [
      'entries:', //                                   1
      '  - id: order.track', //                        2
      '    questions: [where is my parcel]', //        3
      '    answer: ok', //                             4
      '  - id: Bad Id', //                             5
      '    questions: []', //                          6
      "    answer: ''", //                             7
      '  - id: refund.time', //                        8
      '    questions: [when do I get my money]', //    9
      '    answer:', //                                10
      '      fr: bientôt', //                          11
      '    colour: red', //                            12
      '  - questions: [no id here]', //                13
      '    answer: x', //                              14
    ].join('\n');
    const { entries, problems } = parseKnowledgeFile(text, 'kb.yaml');
    expect(entries).toEqual([]);
    const lines = problems.map(formatProblem);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kb\.yaml:5:9 entry "Bad Id": id: ids use lowercase/),
        'kb.yaml:6:16 entry "Bad Id": questions: give at least one example question',
        'kb.yaml:7:13 entry "Bad Id": answer: must not be empty',
        expect.stringMatching(/^kb\.yaml:11:7 entry "refund\.time": answer: .*"fr"/),
        'kb.yaml:12:5 entry "refund.time": Unrecognized key: "colour"',
        expect.stringMatching(/^kb\.yaml:13:5 entry "#4": id: /),
      ]),
    );
    // Nothing about the valid first entry.
    expect(problems.some((p) => p.entryId === 'order.track')).toBe(false);
  });

  it('reports a YAML syntax error at its position, once', () => {
    const text = ['entries:', '  - id: a', '    questions: [x, [y', '    answer: z'].join('\n');
    const { problems } = parseKnowledgeFile(text, 'broken.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'broken.yaml', line: 4, column: 5 });
    expect(problems[0]?.message).toMatch(/^YAML syntax: /);
  });

  it('reports a repeated key as a problem, not a silent overwrite', () => {
    const text = ['entries:', '  - id: a', '    id: b', '    questions: [x]', '    answer: y'].join('\n');
    const { problems } = parseKnowledgeFile(text, 'dup.yaml');
    expect(problems.map(formatProblem)).toEqual(['dup.yaml:3:5: YAML syntax: Map keys must be unique']);
  });

  it('rejects a file without the entries list', () => {
    expect(parseKnowledgeFile('questions: [x]', 'k.yaml').problems.length).toBeGreaterThan(0);
    expect(parseKnowledgeFile('', 'k.yaml').problems).toHaveLength(1);
  });
});

describe('loadKnowledge', () => {
  it('reports a *.yaml that cannot be read as a problem, not a crash', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'entries:\n  - id: a\n    questions: [x]\n    answer: y\n');
    mkdirSync(join(dir, 'b.yaml')); // a folder named like a knowledge file
    const error = await loadKnowledge(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnowledgeLoadError);
    expect((error as KnowledgeLoadError).problems[0]?.message).toMatch(/cannot read the file: EISDIR/);
  });

  it('loads every .yaml and .yml file of a folder, in name order, and ignores other files', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b.yml'), 'entries:\n  - id: b\n    questions: [bee]\n    answer: B\n');
    writeFileSync(join(dir, 'a.yaml'), 'entries:\n  - id: a\n    questions: [ay]\n    answer: A\n');
    writeFileSync(join(dir, 'notes.txt'), 'not knowledge');
    const { entries } = await loadKnowledge(dir);
    expect(entries.map((e) => e.id)).toEqual(['a', 'b']);
    expect(entries[0]?.source).toEqual({ file: join(dir, 'a.yaml'), line: 2 });
  });

  it('reports a duplicate id across files and a quick reply to an unknown id, with positions', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.yaml'),
      [
        'entries:',
        '  - id: order.track',
        '    questions: [where is my parcel]',
        '    answer: See My orders.',
        '    quickReplies: [refund.time, no.such.entry]',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'b.yaml'),
      [
        '# refunds',
        'entries:',
        '  - id: refund.time',
        '    questions: [when do I get my refund]',
        '    answer: Within 5 days.',
        '  - id: order.track',
        '    questions: [track my order]',
        '    answer: Again.',
      ].join('\n'),
    );
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    const lines = (await problemsOf(dir)).map(formatProblem);
    expect(lines).toEqual([
      `${b}:6:1 entry "order.track": duplicate id (first defined at ${a}:2)`,
      `${a}:2:1 entry "order.track": quickReplies: no entry has the id "no.such.entry"`,
    ]);
  });

  it('reports follow-ups and channel buttons naming unknown entries, and a variable defined twice', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.yaml'),
      [
        'entries:',
        '  - id: return.how',
        '    questions: [how do I return]',
        '    answer: See My orders.',
        '    followUps: [refund.time, no.such.entry]',
        '    channels:',
        '      teams: { quickReplies: [gone] }',
        'variables:',
        '  company.name: Demo Shop',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'b.yaml'),
      'entries:\n  - id: refund.time\n    questions: [when]\n    answer: Soon.\nvariables:\n  company.name: Other Shop\n',
    );
    const a = join(dir, 'a.yaml');
    expect((await problemsOf(dir)).map(formatProblem)).toEqual([
      `${a}:2:1 entry "return.how": followUps: no entry has the id "no.such.entry"`,
      `${a}:2:1 entry "return.how": channels.teams.quickReplies: no entry has the id "gone"`,
      `${join(dir, 'b.yaml')}:6:1: variables: "company.name" is defined twice (first at ${a}:9)`,
    ]);
  });

  it('reports a YAML syntax error with its position and no made-up problems in the other files', async () => {
    const dir = tempDir();
    // a.yaml points at refund.time, which lives in the broken b.yaml: that is not a second problem.
    writeFileSync(
      join(dir, 'a.yaml'),
      'entries:\n  - id: order.track\n    questions: [x]\n    answer: y\n    quickReplies: [refund.time]\n',
    );
    writeFileSync(
      join(dir, 'b.yaml'),
      'entries:\n  - id: refund.time\n    questions: [x, [y\n    answer: z\n',
    );
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: join(dir, 'b.yaml'),
      line: 4,
      column: 5,
    });
    expect(problems[0]?.message).toMatch(/YAML syntax/);
  });

  it('reports an empty folder clearly', async () => {
    const dir = tempDir();
    const problems = await problemsOf(dir);
    expect(problems.map(formatProblem)).toEqual([`${dir}:0:0: no .yaml files in the folder`]);
  });

  it('reports a missing folder clearly', async () => {
    const dir = join(tempDir(), 'missing');
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(formatProblem(problems[0] as KnowledgeProblem)).toMatch(
      new RegExp(`^${escapeRegExp(dir)}:0:0: cannot read the folder: .*no such file or directory`),
    );
  });

  it('the shipped sample knowledge base is valid', async () => {
    const { entries, variables } = await loadKnowledge('config/knowledge');
    expect(entries.length).toBeGreaterThan(20);
    expect(variables).toHaveProperty('company.name');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
