/**
 * The folder watch under the knowledge service: a burst of edits is one call, the folder going
 * away and coming back are calls too, and nothing fires once it is closed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FolderWatch, watchFolder } from '../../src/knowledge/watch-folder.js';
import { tempDir } from '../helpers/switchboard.js';

let watching: FolderWatch | undefined;
afterEach(() => watching?.close());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `changes` reaches `count` (a loaded machine delays fs events), then checks it stays there. */
async function expectChanges(calls: { changes: number }, count: number): Promise<void> {
  await vi.waitFor(() => expect(calls.changes).toBe(count), { timeout: 3_000, interval: 10 });
  await pause(150);
  expect(calls.changes).toBe(count);
}

function watchCounting(dir: string) {
  const calls = { changes: 0, errors: [] as Error[] };
  watching = watchFolder(dir, {
    quietMs: 30,
    pollMs: 30,
    onChange: () => calls.changes++,
    onError: (error) => calls.errors.push(error),
  });
  return calls;
}

describe('watchFolder', () => {
  it('calls once after a burst, once when the folder goes, once when it is back, then follows the new folder', async () => {
    const dir = join(tempDir(), 'knowledge');
    mkdirSync(dir);
    const calls = watchCounting(dir);
    for (const n of [1, 2, 3]) writeFileSync(join(dir, 'kb.yaml'), `v${n}`);
    await expectChanges(calls, 1);

    rmSync(dir, { recursive: true });
    await expectChanges(calls, 2); // a missing folder is reported once, not at every poll

    mkdirSync(dir);
    await expectChanges(calls, 3);
    writeFileSync(join(dir, 'kb.yaml'), 'v4');
    await expectChanges(calls, 4);
    expect(calls.errors).toEqual([]);
  });

  it('stops its watcher and timers on close', async () => {
    const dir = join(tempDir(), 'knowledge');
    const calls = watchCounting(dir); // no folder yet: only the poll runs
    watching?.close();
    mkdirSync(dir);
    writeFileSync(join(dir, 'kb.yaml'), 'v1');
    await pause(150);
    expect(calls.changes).toBe(0);

    const again = watchCounting(dir);
    writeFileSync(join(dir, 'kb.yaml'), 'v2');
    watching?.close(); // with a reload pending
    await pause(150);
    expect(again.changes).toBe(0);
  });
});
