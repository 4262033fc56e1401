import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvToKnowledge } from '../../src/knowledge/import-csv.js';
import { parseKnowledgeFile } from '../../src/knowledge/load.js';
import { tempDir } from '../helpers/switchboard.js';

describe('csvToKnowledge', () => {
  it('groups rows by answer into entries with per-locale answers, and the result loads', () => {
    const csv = [
      'Question,Answer_zh-CN,Answer_EN',
      '我的快递到哪了,在「我的订单」查看物流。,"See ""My orders""."',
      'where is my parcel,在「我的订单」查看物流。,"See ""My orders""."',
      '"怎么退货\nhow do I return something",7 天无理由退货。,Returns within 7 days.',
    ].join('\n');
    const result = csvToKnowledge(csv, 'faq.csv');
    expect(result.problems).toEqual([]);
    const { entries, problems } = parseKnowledgeFile(result.yaml, 'faq.yaml');
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.id, e.questions, e.answer])).toEqual([
      [
        'faq.1',
        ['我的快递到哪了', 'where is my parcel'],
        { 'zh-CN': '在「我的订单」查看物流。', en: 'See "My orders".' },
      ],
      [
        'faq.2',
        ['怎么退货', 'how do I return something'],
        { 'zh-CN': '7 天无理由退货。', en: 'Returns within 7 days.' },
      ],
    ]);
  });

  it('groups by the id column when there is one', () => {
    const result = csvToKnowledge(
      'id,question,answer\nrefund.time,how long for a refund,3-5 days\nrefund.time,退款多久,3-5 天\n',
      'faq.csv',
    );
    const { entries } = parseKnowledgeFile(result.yaml, 'faq.yaml');
    expect(entries.map((e) => [e.id, e.questions.length])).toEqual([['refund.time', 2]]);
  });

  it('never generates an id the sheet already uses', () => {
    const result = csvToKnowledge('id,question,answer\nfaq.1,a?,x\n,b?,y\n,c?,z\n', 'faq.csv');
    expect(result.problems).toEqual([]);
    const { entries } = parseKnowledgeFile(result.yaml, 'faq.yaml');
    expect(entries.map((e) => e.id)).toEqual(['faq.1', 'faq.2', 'faq.3']);
  });

  it('names every bad row, and a missing column', () => {
    expect(csvToKnowledge('question,answer\n,no question\nno answer,\n', 'faq.csv').problems).toEqual([
      'faq.csv:2: no question',
      'faq.csv:3: no answer (columns answer, answer_zh-CN or answer_en)',
    ]);
    expect(csvToKnowledge('q,a\nx,y\n', 'faq.csv').problems).toEqual([
      'faq.csv: needs a "question" column (found: q, a)',
    ]);
    expect(csvToKnowledge('id,question,answer\nBad Id!,x,y\n', 'faq.csv').problems[0]).toMatch(
      /entry "Bad Id!": id: ids use lowercase/,
    );
  });

  it('works from the CLI: writes the file, refuses to overwrite it', () => {
    const dir = tempDir();
    const csv = join(dir, 'faq.csv');
    const out = join(dir, 'faq.yaml');
    writeFileSync(csv, 'question,answer\nwhere is my parcel,See My orders.\n');
    const run = () =>
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'src/knowledge/cli.ts', 'import', '--csv', csv, '--out', out],
        {
          encoding: 'utf8',
          stdio: 'pipe',
        },
      );
    expect(run()).toMatch(/ok: 1 entries written/);
    expect(readFileSync(out, 'utf8')).toMatch(/where is my parcel/);
    expect(run).toThrow(/exists already/);
  });
});
