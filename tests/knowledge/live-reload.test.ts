/**
 * Admins edit the knowledge files while the server runs: a valid edit is live within 2 s, a bad
 * one keeps the last good version answering (and says why in /readyz), a burst ends on its last edit.
 * The folder itself may be deleted and created again (git checkout, a restore from a backup): the
 * recreated folder's content goes live and later edits still do.
 */
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSwitchboard, startSwitchboard, tempDir, testConfig } from '../helpers/switchboard.js';
import { WebchatClient } from '../helpers/webchat-client.js';

const kb = (answer: string) => `entries:
  - id: order.track
    questions: [where is my parcel, 我的快递到哪了]
    answer: ${answer}
  - id: returns.how
    questions: [how do I return an item]
    answer: Use the returns form.
`;

let dir: string;
let server: RunningSwitchboard;

beforeEach(async () => {
  dir = tempDir();
  writeFileSync(join(dir, 'shop.yaml'), kb('version one'));
  server = await startSwitchboard(testConfig({ KNOWLEDGE_DIR: dir }));
});

afterEach(async () => {
  await server.close();
});

async function answer(): Promise<string> {
  const client = await WebchatClient.create(server.url);
  return (await client.ask('where is my parcel')).text;
}

async function readiness(): Promise<{ knowledge: { state: string; errors: string[]; entries: number } }> {
  return (await (await fetch(`${server.url}/readyz`)).json()) as never;
}

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('knowledge live reload', () => {
  it('serves a valid edit within 2 seconds, without a restart', async () => {
    expect(await answer()).toBe('version one');
    const edited = Date.now();
    writeFileSync(join(dir, 'shop.yaml'), kb('version two'));
    expect(await waitFor(answer, (text) => text === 'version two', 2_000)).toBe('version two');
    expect(Date.now() - edited).toBeLessThan(2_000);
    expect((await readiness()).knowledge).toMatchObject({ state: 'ready', errors: [] });
  });

  it('keeps the last good version answering when an edit is invalid, and reports where', async () => {
    writeFileSync(
      join(dir, 'shop.yaml'),
      `${kb('version one')}  - id: broken\n    questions: []\n    answer: x\n`,
    );
    const status = await waitFor(readiness, (r) => r.knowledge.state === 'stale', 2_000);
    expect(status.knowledge.state).toBe('stale');
    expect(status.knowledge.errors.join('\n')).toMatch(/shop\.yaml:\d+:\d+ entry "broken": questions/);
    expect(await answer()).toBe('version one');
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200); // stale still answers: not a reason to take the server out

    writeFileSync(join(dir, 'shop.yaml'), kb('fixed'));
    expect(await waitFor(answer, (text) => text === 'fixed', 2_000)).toBe('fixed');
    expect((await readiness()).knowledge.state).toBe('ready');
  });

  it('ends a burst of quick edits on the last one', async () => {
    for (const version of ['v3', 'v4', 'v5', 'v6']) {
      writeFileSync(join(dir, 'shop.yaml'), kb(version));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await waitFor(answer, (text) => text === 'v6', 2_000)).toBe('v6');
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing older lands afterwards
    expect(await answer()).toBe('v6');
  });

  it('follows a folder deleted and created again: its content and later edits go live', async () => {
    const backup = tempDir();
    writeFileSync(join(backup, 'shop.yaml'), kb('restored'));
    rmSync(dir, { recursive: true });
    cpSync(backup, dir, { recursive: true }); // rm -rf knowledge && cp -r backup knowledge
    expect(await waitFor(answer, (text) => text === 'restored', 2_000)).toBe('restored');
    await new Promise((resolve) => setTimeout(resolve, 500)); // no reload still pending to catch the edit

    const edited = Date.now();
    writeFileSync(join(dir, 'shop.yaml'), kb('edited after the restore'));
    expect(await waitFor(answer, (text) => text === 'edited after the restore', 2_000)).toBe(
      'edited after the restore',
    );
    expect(Date.now() - edited).toBeLessThan(2_000);
    expect((await readiness()).knowledge).toMatchObject({ state: 'ready', errors: [] });
  });

  it('follows a folder moved away and back, and a new folder made in its place', async () => {
    renameSync(dir, `${dir}.away`);
    const missing = await waitFor(readiness, (r) => r.knowledge.state === 'stale', 2_000);
    expect(missing.knowledge.errors).toEqual([
      `${dir}:0:0: the knowledge folder is missing (deleted, moved away or never created)`,
    ]);
    writeFileSync(join(`${dir}.away`, 'shop.yaml'), kb('edited while away'));
    renameSync(`${dir}.away`, dir);
    expect(await waitFor(answer, (text) => text === 'edited while away', 2_000)).toBe('edited while away');

    renameSync(dir, `${dir}.old`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'shop.yaml'), kb('new folder'));
    expect(await waitFor(answer, (text) => text === 'new folder', 2_000)).toBe('new folder');
    await new Promise((resolve) => setTimeout(resolve, 500)); // no reload still pending to catch the edit
    writeFileSync(join(dir, 'shop.yaml'), kb('new folder, edited'));
    expect(await waitFor(answer, (text) => text === 'new folder, edited', 2_000)).toBe('new folder, edited');
  });

  it('keeps the last good version answering when the folder is deleted for good, and says so', async () => {
    rmSync(dir, { recursive: true });
    const status = await waitFor(readiness, (r) => r.knowledge.state === 'stale', 2_000);
    expect(status.knowledge).toMatchObject({
      state: 'stale',
      entries: 2,
      errors: [`${dir}:0:0: the knowledge folder is missing (deleted, moved away or never created)`],
    });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await answer()).toBe('version one');
  });
});
