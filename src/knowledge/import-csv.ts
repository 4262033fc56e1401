/**
 * Turns a spreadsheet of question/answer pairs (CSV with a header row) into a knowledge file, so a
 * team's existing FAQ sheet becomes a knowledge base in one step.
 *
 * Columns (names case-insensitive, in any order): `question` (required; several questions in one
 * cell may be separated by line breaks), and either `answer` (one text for every language) or
 * `answer_zh-CN` / `answer_en` (per locale). Optional: `id`. Rows with the same id, or without an
 * id but with the same answer, become one entry with all their questions.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { formatProblem, parseKnowledgeFile } from './load.js';

export interface CsvImport {
  yaml: string;
  entries: number;
  problems: string[];
}

interface Draft {
  id: string;
  questions: string[];
  answer: string | Record<string, string>;
}

export function csvToKnowledge(csv: string, sourceName: string): CsvImport {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(csv, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    return {
      yaml: '',
      entries: 0,
      problems: [`${sourceName}: not readable as CSV: ${(error as Error).message}`],
    };
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  if (!header.includes('question')) {
    return {
      yaml: '',
      entries: 0,
      problems: [`${sourceName}: needs a "question" column (found: ${header.join(', ') || 'none'})`],
    };
  }
  const problems: string[] = [];
  const drafts = new Map<string, Draft>();
  // Ids the sheet names itself are taken; generated ones skip them (faq.1, faq.2, …).
  const taken = new Set(rows.map((row) => row.id).filter(Boolean));
  let nextGenerated = 1;
  const generateId = () => {
    while (taken.has(`faq.${nextGenerated}`)) nextGenerated++;
    taken.add(`faq.${nextGenerated}`);
    return `faq.${nextGenerated}`;
  };
  rows.forEach((row, index) => {
    const line = index + 2; // 1-based, after the header row
    const questions = (row.question ?? '')
      .split(/\r?\n/)
      .map((q) => q.trim())
      .filter(Boolean);
    const answer = answerOf(row);
    if (questions.length === 0) problems.push(`${sourceName}:${line}: no question`);
    if (answer === undefined)
      problems.push(`${sourceName}:${line}: no answer (columns answer, answer_zh-CN or answer_en)`);
    if (questions.length === 0 || answer === undefined) return;
    const key = row.id ? `id:${row.id}` : `answer:${JSON.stringify(answer)}`;
    const draft = drafts.get(key);
    if (draft) draft.questions.push(...questions.filter((q) => !draft.questions.includes(q)));
    else drafts.set(key, { id: row.id || generateId(), questions, answer });
  });
  if (problems.length > 0) return { yaml: '', entries: 0, problems };

  const yaml = `# yaml-language-server: $schema=../knowledge.schema.json\n# Imported from ${sourceName}. Format: docs/knowledge.md\n${stringify({ entries: [...drafts.values()] }, { lineWidth: 0 })}`;
  // What we write must load: check it with the loader itself.
  const check = parseKnowledgeFile(yaml, sourceName);
  return { yaml, entries: drafts.size, problems: check.problems.map(formatProblem) };
}

function answerOf(row: Record<string, string>): Draft['answer'] | undefined {
  if (row.answer) return row.answer;
  const perLocale: Record<string, string> = {};
  if (row['answer_zh-cn'] || row.answer_zh) perLocale['zh-CN'] = row['answer_zh-cn'] || row.answer_zh || '';
  if (row.answer_en) perLocale.en = row.answer_en;
  return Object.keys(perLocale).length > 0 ? perLocale : undefined;
}
