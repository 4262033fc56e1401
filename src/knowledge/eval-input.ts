/**
 * Reading what the knowledge CLI works on: a knowledge base (a folder of YAML files, or a JSON
 * intent set `[{ "id", "questions" }]` as in the public intent data sets, which has no answers) and
 * eval cases (JSONL lines or a JSON array of `{ "text", "expected" }`).
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { SwitchboardError } from '../core/errors.js';
import type { EvalCase } from './eval.js';
import { KnowledgeLoadError, type KnowledgeProblem, loadKnowledge } from './load.js';
import { localizedTextSchema } from './localized-schema.js';
import type { KnowledgeEntry, LoadedKnowledge } from './types.js';

/** A file the CLI was pointed at is missing or unreadable; the message is one line for the user. */
export class InputFileError extends SwitchboardError {
  constructor(message: string) {
    super('input_invalid', message);
  }
}

/**
 * Knowledge from a folder of YAML files or a `.json` intent set (which has no synonyms). Throws
 * KnowledgeLoadError listing every problem of the knowledge itself, InputFileError when the path
 * cannot be used at all.
 */
export async function loadKnowledgeFrom(path: string): Promise<LoadedKnowledge> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw new InputFileError(`${path}: ${describeFsError(error)}`);
  }
  if (isDirectory) return loadKnowledge(path);
  if (!/\.json$/i.test(path)) {
    throw new InputFileError(`${path}: give a folder of .yaml knowledge files or a .json intent set`);
  }
  return { entries: parseIntentSet(await readText(path), path), synonyms: [] };
}

const intentSetSchema = z.array(
  z.object({
    // Intent labels come from public data sets (banking77 has "reverted_card_payment?"), so only
    // non-empty is required here, not the YAML id rule.
    id: z.string().trim().min(1, 'must not be empty'),
    questions: z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'give at least one question'),
    answer: localizedTextSchema.optional(),
  }),
);

/** Parses a JSON intent set. Each entry answers with its own id unless it gives an answer. */
export function parseIntentSet(text: string, file: string): KnowledgeEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new KnowledgeLoadError([
      { file, ...jsonErrorPosition(text, error), message: `JSON syntax: ${(error as Error).message}` },
    ]);
  }
  const result = intentSetSchema.safeParse(raw);
  if (!result.success) {
    throw new KnowledgeLoadError(
      result.error.issues.map((issue) => {
        const [index, ...field] = issue.path.map(String);
        const item = Array.isArray(raw) && index !== undefined ? (raw[Number(index)] as unknown) : undefined;
        const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
        const where = field.length > 0 ? `${field.join('.')}: ` : '';
        const problem: KnowledgeProblem = { file, line: 0, column: 0, message: `${where}${issue.message}` };
        if (index !== undefined)
          problem.entryId = typeof id === 'string' && id ? id : `#${Number(index) + 1}`;
        return problem;
      }),
    );
  }
  const entries: KnowledgeEntry[] = [];
  const seen = new Set<string>();
  const problems: KnowledgeProblem[] = [];
  for (const item of result.data) {
    if (seen.has(item.id)) {
      problems.push({ file, line: 0, column: 0, entryId: item.id, message: 'duplicate id' });
      continue;
    }
    seen.add(item.id);
    entries.push({
      id: item.id,
      questions: item.questions,
      answer: item.answer ?? item.id,
      quickReplies: [],
      handoff: false,
      tags: [],
      followUps: [],
      source: { file, line: 0 },
    });
  }
  if (problems.length > 0) throw new KnowledgeLoadError(problems);
  if (entries.length === 0)
    throw new KnowledgeLoadError([{ file, line: 0, column: 0, message: 'no entries' }]);
  return entries;
}

const caseSchema = z.object({
  text: z.string().trim().min(1, 'text must not be empty'),
  expected: z.string().min(1, 'expected must be an entry id or null').nullable(),
});

export async function readCases(path: string): Promise<EvalCase[]> {
  return parseCases(await readText(path), path);
}

/**
 * Cases from JSONL (one `{"text", "expected"}` per line, blank lines skipped) or, when the text
 * starts with `[`, a JSON array of the same objects. Throws InputFileError at the first bad case.
 */
export function parseCases(text: string, file: string): EvalCase[] {
  const cases: EvalCase[] = [];
  if (text.trimStart().startsWith('[')) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new InputFileError(`${file}: not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(raw)) throw new InputFileError(`${file}: expected a JSON array of cases`);
    raw.forEach((item, index) => {
      cases.push(toCase(item, `${file}: case #${index + 1}`));
    });
  } else {
    text.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '') return;
      const where = `${file}:${index + 1}`;
      let item: unknown;
      try {
        item = JSON.parse(line);
      } catch (error) {
        throw new InputFileError(`${where}: not valid JSON: ${(error as Error).message}`);
      }
      cases.push(toCase(item, where));
    });
  }
  if (cases.length === 0) throw new InputFileError(`${file}: no cases`);
  return cases;
}

function toCase(item: unknown, where: string): EvalCase {
  const result = caseSchema.safeParse(item);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.');
    throw new InputFileError(
      `${where}: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'} (want {"text": "...", "expected": "<entry id>" | null})`,
    );
  }
  return { text: result.data.text, expected: result.data.expected };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputFileError(`${path}: ${describeFsError(error)}`);
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot read: ${(error as Error).message}`;
}

/** JSON.parse names a character offset ("at position 12"); turn it into line and column. */
function jsonErrorPosition(text: string, error: unknown): { line: number; column: number } {
  const offset = /position (\d+)/.exec((error as Error).message)?.[1];
  if (offset === undefined) return { line: 0, column: 0 };
  const before = text.slice(0, Number(offset)).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
