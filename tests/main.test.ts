/**
 * `src/main.ts` as an operator meets it: a real process, its exit codes and what it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/switchboard.js';
import { WebchatClient } from './helpers/webchat-client.js';

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start (src/main.ts)', () => {
  it('exits 1 with a clear message, not a stack trace, when the store cannot be opened', async () => {
    const started = run({
      STORE_URL: 'sqlite:///etc/hostname/switchboard.sqlite',
      PORT: String(await freePort()),
    });
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(
      /Switchboard did not start: cannot open store sqlite:\/\/\/etc\/hostname\/switchboard\.sqlite/,
    );
    expect(started.output()).not.toMatch(/\n\s+at /);
  });

  it('exits 1 naming the setting when a value is bad', async () => {
    const started = run({ PORT: 'eighty' });
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(/PORT \(environment\)/);
    expect(started.output()).not.toMatch(/\n\s+at /);
  });

  it('exits 1 listing the knowledge problems when the knowledge base is invalid', async () => {
    const started = run({ KNOWLEDGE_DIR: tempDir(), PORT: String(await freePort()) });
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(/no \.yaml files in the folder/);
  });

  it('serves, then on SIGTERM finishes in-flight work, closes the store and exits 0', async () => {
    const port = await freePort();
    const started = run({ PORT: String(port), STORE_URL: `sqlite://${join(tempDir(), 'main.sqlite')}` });
    try {
      await waitFor(() => started.output().includes('listening'), 'the server to listen');
      const client = await WebchatClient.create(`http://127.0.0.1:${port}`);
      expect((await client.ask('where is my parcel?')).role).toBe('bot');
      started.child.kill('SIGTERM');
      expect(await started.exit).toBe(0);
      expect(started.output()).toMatch(/shutting down/);
      expect(started.output()).toMatch(/"msg":"stopped"/);
    } finally {
      started.child.kill('SIGKILL');
    }
  });
});
