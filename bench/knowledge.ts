/**
 * `npm run bench:knowledge`: the knowledge engine on the public intent sets' validation splits
 * (../shared/data/intents, or KNOWLEDGE_DATA_DIR), one JSON line per set with DESIGN.md's eval
 * figures at the configured default threshold, how its confidences were made (`calibration`), and
 * whether a threshold means the same on each set: `answeredPrecision` (right answers / answers) and
 * `ece` (calibration error). The last line compares the sets: the spread of answeredPrecision and
 * the mean ece. BANKING77 has no validation split: every 10th question of each intent is held out
 * of its training set and used as the cases.
 * The data is read where it lies and never copied into the project (SMP2017's licence).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/core/config/load-config.js';
import { buildKnowledgeBase } from '../src/knowledge/build-knowledge-base.js';
import { type EvalCase, roundMs, roundShare, runEval, scoreEval } from '../src/knowledge/eval.js';
import { parseCases, parseIntentSet } from '../src/knowledge/eval-input.js';
import type { KnowledgeEntry } from '../src/knowledge/types.js';

const HOLD_OUT_EVERY = 10;
const dataDir = resolve(process.env.KNOWLEDGE_DATA_DIR ?? '../shared/data/intents');
const threshold = loadConfig().knowledge.answerThreshold;

function load(name: string): { entries: KnowledgeEntry[]; cases: EvalCase[]; split: string } {
  const kbPath = join(dataDir, name, 'kb.json');
  const devPath = join(dataDir, name, 'dev.json');
  const entries = parseIntentSet(readFileSync(kbPath, 'utf8'), kbPath);
  if (existsSync(devPath))
    return { entries, cases: parseCases(readFileSync(devPath, 'utf8'), devPath), split: 'dev' };
  const cases: EvalCase[] = [];
  const training = entries.map((entry) => {
    const kept = entry.questions.filter((question, i) => {
      const heldOut = i % HOLD_OUT_EVERY === HOLD_OUT_EVERY - 1;
      if (heldOut) cases.push({ text: question, expected: entry.id });
      return !heldOut;
    });
    return { ...entry, questions: kept };
  });
  return { entries: training, cases, split: `every ${HOLD_OUT_EVERY}th training question held out` };
}

if (!existsSync(dataDir)) {
  process.stderr.write(`bench:knowledge: no data at ${dataDir} (set KNOWLEDGE_DATA_DIR)\n`);
  process.exit(1);
}
const precisions: number[] = [];
const errors: number[] = [];
for (const name of ['clinc150', 'banking77', 'smp2017', 'smp2017_chatoos']) {
  if (!existsSync(join(dataDir, name, 'kb.json'))) continue;
  process.stderr.write(`bench:knowledge: ${name}…\n`);
  const { entries, cases, split } = load(name);
  const started = performance.now();
  const knowledgeBase = buildKnowledgeBase({ entries, synonyms: [] });
  const indexMs = roundMs(performance.now() - started);
  const metrics = scoreEval(runEval(knowledgeBase, cases), threshold);
  if (metrics.answeredPrecision !== null) precisions.push(metrics.answeredPrecision);
  if (metrics.ece !== null) errors.push(metrics.ece);
  const { calibration } = knowledgeBase;
  process.stdout.write(`${JSON.stringify({ set: name, split, ...metrics, indexMs, calibration })}\n`);
}
const summary = {
  sets: errors.length,
  threshold,
  answeredPrecisionSpread: roundShare(Math.max(...precisions) - Math.min(...precisions)),
  meanEce: roundShare(errors.reduce((sum, error) => sum + error, 0) / errors.length),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
