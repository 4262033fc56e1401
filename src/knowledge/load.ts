/**
 * Loads every `*.yaml` / `*.yml` file of a knowledge folder, validates all of it and reports every
 * problem at once, each with file, line, column and entry id, so an admin fixes them in one pass.
 */
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { SwitchboardError } from '../core/errors.js';
import { knowledgeFileSchema } from './schema.js';
import type { KnowledgeEntry, LoadedKnowledge, LocalizedText, SourcePosition } from './types.js';

export interface KnowledgeProblem {
  file: string;
  line: number;
  column: number;
  entryId?: string;
  message: string;
}

/** One `variables:` item of a file, with where it was defined. */
export interface VariableDefinition {
  name: string;
  value: LocalizedText;
  source: { file: string; line: number };
}

export class KnowledgeLoadError extends SwitchboardError {
  readonly problems: KnowledgeProblem[];

  constructor(problems: KnowledgeProblem[]) {
    super(
      'knowledge_invalid',
      `knowledge base has ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`,
    );
    this.problems = problems;
  }
}

export function formatProblem(problem: KnowledgeProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.entryId
    ? `${where} entry "${problem.entryId}": ${problem.message}`
    : `${where}: ${problem.message}`;
}

/** Reads and validates the folder. Throws KnowledgeLoadError listing every problem found. */
export async function loadKnowledge(dir: string): Promise<LoadedKnowledge> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/i.test(name)).sort();
  } catch (error) {
    throw new KnowledgeLoadError([
      { file: dir, line: 0, column: 0, message: `cannot read the folder: ${(error as Error).message}` },
    ]);
  }
  if (names.length === 0) {
    throw new KnowledgeLoadError([
      { file: dir, line: 0, column: 0, message: 'no .yaml files in the folder' },
    ]);
  }
  const problems: KnowledgeProblem[] = [];
  const entries: KnowledgeEntry[] = [];
  const synonyms: string[][] = [];
  const synonymSources: SourcePosition[] = [];
  const variables: VariableDefinition[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const file = displayPath(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      // Deleted between listing and reading, a folder named *.yaml, no permission…
      problems.push({
        file,
        line: 0,
        column: 0,
        message: `cannot read the file: ${(error as Error).message}`,
      });
      continue;
    }
    const parsed = parseKnowledgeFile(text, file);
    problems.push(...parsed.problems);
    entries.push(...parsed.entries);
    synonyms.push(...parsed.synonyms);
    synonymSources.push(...parsed.synonymSources);
    variables.push(...parsed.variables);
  }
  // A file with problems contributes no entries, so checking references against the rest would
  // report every quick reply pointing into that file as unknown: check them once the files are clean.
  problems.push(...crossCheck(entries, { references: problems.length === 0 }));
  const merged = mergeVariables(variables);
  problems.push(...merged.problems);
  if (problems.length > 0) throw new KnowledgeLoadError(problems);
  return { entries, synonyms, synonymSources, variables: merged.variables };
}

export interface ParsedKnowledgeFile {
  entries: KnowledgeEntry[];
  synonyms: string[][];
  /** Where each synonym group is, for lint warnings. */
  synonymSources: SourcePosition[];
  variables: VariableDefinition[];
  problems: KnowledgeProblem[];
}

/** Parses one file's text. Pure, so tests can feed it strings. */
export function parseKnowledgeFile(text: string, file: string): ParsedKnowledgeFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const position = lineCounter.linePos(offset ?? 0);
    return { line: position.line, column: position.col };
  };
  if (document.errors.length > 0) {
    // The yaml parser can report one mistake several times (an unclosed nested flow sequence gives
    // one error per level at the same offset): report each distinct problem once.
    const seen = new Set<string>();
    const problems: KnowledgeProblem[] = [];
    for (const error of document.errors) {
      const problem = { file, ...at(error.pos[0]), message: `YAML syntax: ${firstLine(error.message)}` };
      const key = `${problem.line}:${problem.column}:${problem.message}`;
      if (!seen.has(key)) problems.push(problem);
      seen.add(key);
    }
    return { entries: [], synonyms: [], synonymSources: [], variables: [], problems };
  }
  const raw = document.toJS() as unknown;
  const result = knowledgeFileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
      // An unknown key is reported on its parent mapping: point at the key itself.
      const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const node =
        (unknownKey !== undefined && keyNode(document, path, unknownKey)) || nearestNode(document, path);
      const entryId = entryIdAt(raw, path);
      const field = path.slice(entryId === undefined ? 0 : 2).join('.');
      // A bad variable name comes as "Invalid key in record", its reason nested inside.
      const message =
        issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join('; ') : issue.message;
      return {
        file,
        ...at(node?.range?.[0]),
        ...(entryId ? { entryId } : {}),
        message: field ? `${field}: ${message}` : message,
      };
    });
    return { entries: [], synonyms: [], synonymSources: [], variables: [], problems };
  }
  const positionOf = (path: Array<string | number>) => {
    const node = document.getIn(path, true);
    return at(isNode(node) ? node.range?.[0] : undefined);
  };
  const lineOf = (path: Array<string | number>) => positionOf(path).line;
  const entries = result.data.entries.map((entry, index) => ({
    ...entry,
    source: { file, line: lineOf(['entries', index]) },
  }));
  const variables = Object.entries(result.data.variables).map(([name, value]) => ({
    name,
    value,
    source: { file, line: lineOf(['variables', name]) },
  }));
  const synonymSources = result.data.synonyms.map((_, index) => ({
    file,
    ...positionOf(['synonyms', index]),
  }));
  return { entries, synonyms: result.data.synonyms, synonymSources, variables, problems: [] };
}

/** Variables apply to the whole knowledge base, so one name defined in two files is ambiguous. */
function mergeVariables(definitions: VariableDefinition[]): {
  variables: Record<string, LocalizedText>;
  problems: KnowledgeProblem[];
} {
  const first = new Map<string, VariableDefinition>();
  const problems: KnowledgeProblem[] = [];
  for (const definition of definitions) {
    const earlier = first.get(definition.name);
    if (earlier) {
      problems.push({
        ...definition.source,
        column: 1,
        message: `variables: "${definition.name}" is defined twice (first at ${earlier.source.file}:${earlier.source.line})`,
      });
    } else first.set(definition.name, definition);
  }
  return {
    variables: Object.fromEntries([...first].map(([name, definition]) => [name, definition.value])),
    problems,
  };
}

/** Checks that need every file: unique ids; quick replies and follow-ups that point at real entries. */
function crossCheck(entries: KnowledgeEntry[], check: { references: boolean }): KnowledgeProblem[] {
  const problems: KnowledgeProblem[] = [];
  const firstById = new Map<string, KnowledgeEntry>();
  for (const entry of entries) {
    const first = firstById.get(entry.id);
    if (first) {
      problems.push({
        file: entry.source.file,
        line: entry.source.line,
        column: 1,
        entryId: entry.id,
        message: `duplicate id (first defined at ${first.source.file}:${first.source.line})`,
      });
    } else firstById.set(entry.id, entry);
  }
  if (!check.references) return problems;
  for (const entry of entries) {
    for (const [field, targets] of entryReferences(entry)) {
      for (const target of targets) {
        if (!firstById.has(target)) {
          problems.push({
            file: entry.source.file,
            line: entry.source.line,
            column: 1,
            entryId: entry.id,
            message: `${field}: no entry has the id "${target}"`,
          });
        }
      }
    }
  }
  return problems;
}

/** Every list of entry ids an entry names, by field: quickReplies, followUps, channels.<platform>.quickReplies. */
function entryReferences(entry: KnowledgeEntry): Array<[string, string[]]> {
  const variants = Object.entries(entry.channels ?? {}).flatMap(([platform, variant]) =>
    variant?.quickReplies
      ? [[`channels.${platform}.quickReplies`, variant.quickReplies] as [string, string[]]]
      : [],
  );
  return [['quickReplies', entry.quickReplies], ['followUps', entry.followUps], ...variants];
}

function nearestNode(document: ReturnType<typeof parseDocument>, path: Array<string | number>) {
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

function keyNode(document: ReturnType<typeof parseDocument>, path: Array<string | number>, key: string) {
  const map = path.length === 0 ? document.contents : document.getIn(path, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  return isNode(pair?.key) ? pair.key : undefined;
}

function entryIdAt(raw: unknown, path: Array<string | number>): string | undefined {
  if (path[0] !== 'entries' || typeof path[1] !== 'number' || typeof raw !== 'object' || raw === null)
    return undefined;
  const entries = (raw as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) return undefined;
  const entry: unknown = entries[path[1]];
  const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : `#${path[1] + 1}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Paths under the working directory print relative (as admins typed them), others absolute. */
function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd) ? resolve(path) : fromCwd;
}
