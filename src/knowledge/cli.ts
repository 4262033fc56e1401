/**
 * The knowledge CLI: `npm run kb -- <lint|ask|eval>`.
 *
 *   lint [--kb dir]                                    validate a knowledge folder, every problem with file:line:col
 *   ask "text" [--kb dir] [--after id]                 the top 3 matches and what the bot would do
 *   eval --kb <dir|file.json> --cases <file> [--threshold x]   score labelled cases (DESIGN.md, "Knowledge eval")
 *
 * Exit codes: 0 fine, 1 the knowledge or an input file has problems, 2 bad usage.
 */
import { realpathSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config/load-config.js';
import type { Config } from '../core/config/schema.js';
import { ConfigError } from '../core/errors.js';
import { buildKnowledgeBase } from './build-knowledge-base.js';
import { describeCalibration } from './engine/calibration.js';
import { runEval, scoreEval } from './eval.js';
import { InputFileError, loadKnowledgeFrom, readCases } from './eval-input.js';
import { matchWithFollowUps } from './follow-ups.js';
import { csvToKnowledge } from './import-csv.js';
import { lintKnowledge } from './lint.js';
import { formatProblem, KnowledgeLoadError } from './load.js';
import { knowledgeJsonSchema } from './schema.js';
import { sharedWords } from './shared-words.js';
import type { KnowledgeEntry, Match } from './types.js';

export const USAGE = `usage: npm run kb -- <command>
  lint [--kb <dir>]                       check a knowledge folder (default: the configured knowledge.dir)
  ask "<text>" [--kb <dir>] [--after <id>] show the top 3 matches and what the bot would do
                                          (--after: as the next message after that entry's answer)
  import --csv <file> [--out <file.yaml>] turn a spreadsheet of questions and answers into a knowledge file
  schema                                  print the JSON Schema of knowledge files (config/knowledge.schema.json)
  eval --kb <dir|file.json> --cases <file.jsonl|file.json> [--threshold <0..1>]
                                          score labelled cases; the last line is a JSON object of figures`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const FLAGS = {
  lint: ['kb'],
  ask: ['kb', 'after'],
  import: ['csv', 'out'],
  schema: [],
  eval: ['kb', 'cases', 'threshold'],
} as const;
type Command = keyof typeof FLAGS;

/** Runs one command; resolves with the exit code. Never throws for user mistakes. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        kb: { type: 'string' },
        after: { type: 'string' },
        cases: { type: 'string' },
        threshold: { type: 'string' },
        csv: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [command, ...rest] = positionals;
    if (values.help || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (!command) throw new UsageError('give a command');
    if (!isCommand(command)) throw new UsageError(`unknown command "${command}"`);
    const allowed: readonly string[] = FLAGS[command];
    for (const [flag, value] of Object.entries(values)) {
      if (value !== undefined && !allowed.includes(flag)) {
        throw new UsageError(`${command} does not take --${flag}`);
      }
    }
    const config = lazyConfig(io.env);
    if (command === 'import') {
      if (rest.length > 0 || !values.csv)
        throw new UsageError('import needs --csv <file> (and optionally --out <file.yaml>)');
      return await importCsv(values.csv, values.out, io);
    }
    if (command === 'schema') {
      if (rest.length > 0) throw new UsageError('schema takes no arguments');
      io.out(JSON.stringify(knowledgeJsonSchema(), null, 2));
      return 0;
    }
    if (command === 'lint') {
      if (rest.length > 0) throw new UsageError('lint takes no arguments besides --kb');
      return await lint(values.kb ?? config().knowledge.dir, io);
    }
    if (command === 'ask') {
      const text = rest.join(' ').trim();
      if (!text) throw new UsageError('ask needs the text to match, e.g. ask "where is my parcel"');
      return await ask(text, values.after, values.kb ?? config().knowledge.dir, config().knowledge, io);
    }
    if (rest.length > 0) throw new UsageError(`eval takes no arguments besides its flags (got "${rest[0]}")`);
    if (!values.cases) throw new UsageError('eval needs --cases <file.jsonl|file.json>');
    const threshold =
      values.threshold === undefined ? config().knowledge.answerThreshold : parseShare(values.threshold);
    return await evaluate(values.kb ?? config().knowledge.dir, values.cases, threshold, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`kb: ${(error as Error).message}`);
      io.err(USAGE);
      return 2;
    }
    if (error instanceof KnowledgeLoadError) {
      for (const problem of error.problems) io.err(formatProblem(problem));
      return 1;
    }
    if (error instanceof InputFileError) {
      io.err(`kb: ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError) {
      io.err(`kb: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function importCsv(csvPath: string, outPath: string | undefined, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (error) {
    io.err(`kb: cannot read ${csvPath}: ${(error as Error).message}`);
    return 1;
  }
  const result = csvToKnowledge(text, csvPath);
  if (result.problems.length > 0) {
    for (const problem of result.problems) io.err(problem);
    return 1;
  }
  if (!outPath) {
    io.out(result.yaml);
    return 0;
  }
  await writeFile(outPath, result.yaml, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    throw new InputFileError(
      error.code === 'EEXIST' ? `${outPath} exists already; choose another --out` : error.message,
    );
  });
  io.out(`ok: ${result.entries} entries written to ${outPath}; check them with npm run kb -- lint`);
  return 0;
}

async function lint(dir: string, io: CliIo): Promise<number> {
  try {
    const knowledge = await loadKnowledgeFrom(dir);
    const { entries } = knowledge;
    const warnings = lintKnowledge(knowledge);
    for (const warning of warnings) io.out(`warning: ${formatProblem(warning)}`);
    io.out(
      `ok: ${entries.length} entries in ${dir}${warnings.length ? `, ${warnings.length} warning(s)` : ''}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof KnowledgeLoadError)) throw error;
    for (const problem of error.problems) io.out(formatProblem(problem));
    io.out(`${error.problems.length} problem(s) in ${dir}`);
    return 1;
  }
}

/** ` on "a", "b"`: the words the text shares with the matched question, or nothing. */
function onWords(text: string, question: string): string {
  const words = sharedWords(text, question);
  return words.length > 0 ? ` on ${words.map((word) => JSON.stringify(word)).join(', ')}` : '';
}

async function ask(
  text: string,
  after: string | undefined,
  dir: string,
  thresholds: Config['knowledge'],
  io: CliIo,
): Promise<number> {
  const knowledgeBase = buildKnowledgeBase(await loadKnowledgeFrom(dir));
  const previous = after === undefined ? undefined : knowledgeBase.entries.get(after);
  if (after !== undefined && !previous) throw new UsageError(`--after: no entry has the id "${after}"`);
  const matches = matchWithFollowUps(knowledgeBase, text, previous?.followUps ?? []);
  const { answerThreshold, suggestThreshold } = thresholds;
  const { calibration } = knowledgeBase;
  io.out(
    `thresholds: answer >= ${answerThreshold.toFixed(2)}, suggest >= ${suggestThreshold.toFixed(2)}${calibration ? `; ${describeCalibration(calibration)}` : ''}`,
  );
  if (matches.length === 0) {
    io.out('no match: the bot would hand off to a person');
    return 0;
  }
  const width = Math.max(...matches.map((m) => m.entry.id.length));
  matches.forEach((match, index) => {
    io.out(
      `${index + 1}. ${match.entry.id.padEnd(width)}  ${match.confidence.toFixed(2)}  ${verdict(match, thresholds).padEnd(8)}  matched: ${JSON.stringify(match.question)}${onWords(text, match.question)}${labels(match.entry)}`,
    );
  });
  return 0;
}

/** `  [returns #refund #money]`: the entry's category and tags, or nothing. */
function labels(entry: KnowledgeEntry): string {
  const parts = [...(entry.category ? [entry.category] : []), ...entry.tags.map((tag) => `#${tag}`)];
  return parts.length > 0 ? `  [${parts.join(' ')}]` : '';
}

/**
 * What the bot would do if this match were the best one — the same rule as core/route.ts `decide`:
 * answer at or above answerThreshold (unless the entry always hands off), offer it as a suggestion
 * from suggestThreshold, hand off below.
 */
function verdict(match: Match, thresholds: Config['knowledge']): string {
  if (match.confidence >= thresholds.answerThreshold) return match.entry.handoff ? 'hand off' : 'answer';
  if (match.confidence >= thresholds.suggestThreshold && !match.entry.handoff) return 'suggest';
  return 'hand off';
}

async function evaluate(kb: string, casesFile: string, threshold: number, io: CliIo): Promise<number> {
  const cases = await readCases(casesFile);
  const knowledge = await loadKnowledgeFrom(kb);
  const { entries } = knowledge;
  const ids = new Set(entries.map((entry) => entry.id));
  const unknown = [
    ...new Set(cases.flatMap((c) => (c.expected !== null && !ids.has(c.expected) ? [c.expected] : []))),
  ];
  if (unknown.length > 0) {
    const listed = unknown
      .slice(0, 5)
      .map((id) => `"${id}"`)
      .join(', ');
    throw new InputFileError(
      `${casesFile}: expected ${unknown.length === 1 ? 'entry' : 'entries'} ${listed}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} not in ${kb}`,
    );
  }
  const started = performance.now();
  const knowledgeBase = buildKnowledgeBase(knowledge);
  const indexMs = performance.now() - started;
  const outcomes = runEval(knowledgeBase, cases, {
    onProgress: (done, total) => io.err(`eval: ${done}/${total} cases`),
  });
  const metrics = scoreEval(outcomes, threshold);
  io.out(
    JSON.stringify({
      ...metrics,
      indexMs: Math.round(indexMs * 1000) / 1000,
      entries: entries.length,
      questions: entries.reduce((sum, entry) => sum + entry.questions.length, 0),
      calibration: knowledgeBase.calibration,
    }),
  );
  return 0;
}

function parseShare(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`--threshold must be a number from 0 to 1 (got "${text}")`);
  }
  return value;
}

/** Config is read only when a command needs a default from it, so `eval --kb x --threshold y` works without it. */
function lazyConfig(env: NodeJS.ProcessEnv): () => Config {
  let config: Config | undefined;
  return () => {
    config ??= loadConfig(env);
    return config;
  };
}

function isCommand(value: string): value is Command {
  return Object.hasOwn(FLAGS, value);
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  });
  process.exitCode = code;
}
