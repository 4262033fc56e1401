/**
 * Holds the knowledge base the pipeline answers from. A reload builds a complete new index and
 * swaps it in with one assignment, so no request ever sees half of a knowledge base; a failed
 * reload keeps the last good one serving and reports why.
 */
import { stat } from 'node:fs/promises';
import type { Clock } from '../core/clock.js';
import { buildKnowledgeBase } from './build-knowledge-base.js';
import { lintKnowledge } from './lint.js';
import { formatProblem, KnowledgeLoadError, type KnowledgeProblem, loadKnowledge } from './load.js';
import type { KnowledgeBase, KnowledgeSource } from './types.js';
import { type FolderWatch, watchFolder } from './watch-folder.js';

export interface KnowledgeStatus {
  /** `ready`: serving the folder as it is; `stale`: serving an older version, the newest has errors; `failed`: nothing to serve. */
  state: 'ready' | 'stale' | 'failed' | 'loading';
  dir: string;
  entries: number;
  loadedAt?: string;
  indexMs?: number;
  errors: string[];
  /** Lint warnings of the version being served (docs/knowledge.md, "Checking your files"). */
  warnings: string[];
}

export class KnowledgeService implements KnowledgeSource {
  readonly dir: string;
  readonly #clock: Clock;
  #current: KnowledgeBase | undefined;
  #status: KnowledgeStatus;
  #watch: FolderWatch | undefined;

  constructor(dir: string, clock: Clock) {
    this.dir = dir;
    this.#clock = clock;
    this.#status = { state: 'loading', dir, entries: 0, errors: [], warnings: [] };
  }

  /** Loads the folder. Resolves with the problems found (empty when the load succeeded). */
  async reload(): Promise<KnowledgeProblem[]> {
    try {
      const knowledge = await loadKnowledge(this.dir);
      const started = performance.now();
      const knowledgeBase = buildKnowledgeBase(knowledge);
      const indexMs = Math.round(performance.now() - started);
      this.#current = knowledgeBase;
      this.#status = {
        state: 'ready',
        dir: this.dir,
        entries: knowledgeBase.entries.size,
        loadedAt: new Date(this.#clock.now()).toISOString(),
        indexMs,
        errors: [],
        warnings: lintKnowledge(knowledge).map(formatProblem),
      };
      return [];
    } catch (error) {
      if (!(error instanceof KnowledgeLoadError)) throw error;
      const problems = (await isFolder(this.dir)) ? error.problems : [missingFolder(this.dir)];
      this.#status = {
        ...this.#status,
        state: this.#current ? 'stale' : 'failed',
        errors: problems.map(formatProblem),
      };
      return problems;
    }
  }

  /**
   * Reloads whenever the folder's files change, a moment after the last change. Reloads never
   * overlap: an edit made during one is picked up by the next. `onReload` gets each outcome. A
   * folder that is deleted is one more outcome (the last good version keeps answering, `stale`, the
   * folder reported missing); when a folder is back at the path, it is watched and loaded again.
   */
  watch(
    onReload: (problems: KnowledgeProblem[]) => void,
    onError: (error: Error) => void,
    quietMs = 300,
  ): void {
    this.stopWatching();
    let running: Promise<void> | undefined;
    let again = false;
    let stopped = false;
    const run = () => {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = this.reload()
        .then(onReload, onError)
        .catch(onError) // a throwing callback must not become an unhandled rejection
        .finally(() => {
          running = undefined;
          if (again) {
            again = false;
            run();
          }
        });
    };
    const folder = watchFolder(this.dir, { quietMs, onChange: run, onError });
    this.#watch = {
      close() {
        stopped = true;
        folder.close();
      },
    };
  }

  stopWatching(): void {
    this.#watch?.close();
    this.#watch = undefined;
  }

  current(): KnowledgeBase {
    if (!this.#current) throw new Error(`knowledge base in ${this.dir} is not loaded`);
    return this.#current;
  }

  status(): KnowledgeStatus {
    return this.#status;
  }
}

async function isFolder(dir: string): Promise<boolean> {
  return stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/** Said instead of the folder's read error, which names a system call rather than the cause. */
function missingFolder(dir: string): KnowledgeProblem {
  return {
    file: dir,
    line: 0,
    column: 0,
    message: 'the knowledge folder is missing (deleted, moved away or never created)',
  };
}
