import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run kb` does, in the repository root, with no knowledge settings in the environment. */
function kb(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  delete base.KNOWLEDGE_DIR;
  delete base.SWITCHBOARD_CONFIG;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/knowledge/cli.ts', ...args],
      { cwd: root, env: { ...base, ...env }, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
}

const CASES = 'tests/fixtures/knowledge/shop-cases.jsonl';
const KEYS = ['top1', 'accuracy', 'oosRecall', 'oosPrecision', 'n', 'p50Ms', 'p99Ms', 'indexMs'];

describe.concurrent('npm run kb', () => {
  it('lint: the shipped knowledge base is ok', async () => {
    const run = await kb(['lint']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^ok: \d+ entries in config\/knowledge$/);
  });

  it('lint: a broken knowledge folder lists every problem with file:line:col and exits 1', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'broken.yaml'),
      [
        'entries:',
        '  - id: Bad Id',
        '    questions: [x]',
        '    answer: y',
        '  - id: ok',
        '    questions: []',
        '    answer: z',
      ].join('\n'),
    );
    const run = await kb(['lint'], { KNOWLEDGE_DIR: dir }); // the configured folder, from the environment
    const file = join(dir, 'broken.yaml'); // outside the working directory: printed absolute
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:2:9 entry "Bad Id": id:`);
    expect(run.stdout).toContain(`${file}:6:16 entry "ok": questions: give at least one example question`);
    expect(run.stdout).toContain('2 problem(s)');
  });

  it('ask: prints the top matches with confidence, matched question, verdict, category and tags', async () => {
    const run = await kb(['ask', 'where is my parcel']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^thresholds: answer >= 0\.45, suggest >= 0\.30; confidence fitted to this knowledge base \(\d+ held-out questions, \d+ folds?\)$/,
    );
    expect(lines[1]).toMatch(
      /^1\. order\.track +1\.00 +answer +matched: "where is my parcel" on "where", "is", "my", "parcel" +\[orders\]$/,
    );
    expect(lines.length).toBeLessThanOrEqual(4);
    for (const line of lines.slice(2))
      expect(line).toMatch(/^\d\. \S+ +\d\.\d\d +(answer|suggest|hand off) +matched: ".+"( +\[[^\]]+\])?$/);
  });

  it('ask --after: matches as the next message after that entry’s answer, its follow-ups preferred', async () => {
    const run = await kb(['ask', '--after', 'return.how', 'how long does it take?']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[1]).toMatch(
      /^1\. refund\.time +0\.\d\d +answer .*\[returns #refund #money\]$/,
    );
    const unknown = await kb(['ask', '--after', 'no.such.entry', 'hi']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--after: no entry has the id "no.such.entry"');
  });

  it('eval: the last stdout line is a JSON object with every DESIGN.md figure', async () => {
    const run = await kb(['eval', '--kb', 'config/knowledge', '--cases', CASES]);
    expect(run.code).toBe(0);
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    const figures = JSON.parse(last) as Record<string, unknown>;
    for (const key of KEYS) expect(figures).toHaveProperty(key);
    expect(figures.n).toBe(183);
    expect(figures.threshold).toBe(0.45);
    expect(figures.calibration).toMatchObject({ method: 'fitted' });
    for (const key of ['top1', 'accuracy', 'oosRecall']) {
      expect(figures[key]).toBeGreaterThanOrEqual(0);
      expect(figures[key]).toBeLessThanOrEqual(1);
    }
  });

  it('eval: takes a JSON intent set, JSON-array cases and --threshold', async () => {
    const dir = tempDir();
    const kbFile = join(dir, 'kb.json');
    const casesFile = join(dir, 'dev.json');
    writeFileSync(
      kbFile,
      JSON.stringify([
        { id: 'weather', questions: ['what is the weather today', 'will it rain tomorrow'] },
        { id: 'music', questions: ['play some music', 'put on a song'] },
      ]),
    );
    writeFileSync(
      casesFile,
      JSON.stringify([
        { text: 'what is the weather', expected: 'weather' },
        { text: 'play music', expected: 'music' },
        { text: 'how do I cook rice', expected: null },
      ]),
    );
    const run = await kb(['eval', '--kb', kbFile, '--cases', casesFile, '--threshold', '0.2']);
    expect(run.code).toBe(0);
    const figures = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
    expect(figures).toMatchObject({
      n: 3,
      threshold: 0.2,
      top1: 1,
      accuracy: 1,
      oosRecall: 1,
      oosPrecision: 1,
    });
  });

  it('eval: a missing file is one clear line and exit 1, no stack trace', async () => {
    const run = await kb(['eval', '--kb', 'config/knowledge', '--cases', 'no/such/cases.jsonl']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe('kb: no/such/cases.jsonl: no such file or folder');
  });

  it('eval: an expected id the knowledge base lacks is an error', async () => {
    const dir = tempDir();
    const casesFile = join(dir, 'cases.jsonl');
    writeFileSync(casesFile, '{"text":"hi","expected":"no.such.entry"}\n');
    const run = await kb(['eval', '--kb', 'config/knowledge', '--cases', casesFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"no.such.entry"');
  });

  it.each([
    [['frobnicate']],
    [[]],
    [['lint', '--bogus']],
    [['lint', '--cases', CASES]],
    [['eval', '--kb', 'config/knowledge']],
    [['eval', '--kb', 'config/knowledge', '--cases', CASES, '--threshold', '1.5']],
    [['ask']],
  ])('bad usage %j: usage on stderr, exit 2', async (args) => {
    const run = await kb(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('usage: npm run kb -- <command>');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
