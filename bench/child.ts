/**
 * Servers under test run in child processes of their own, so the load generator and the server
 * never share an event loop (or a garbage collector). Each child prints `{"benchPort": n}` on
 * stdout once listening on 127.0.0.1; it also holds an IPC channel to this process and exits when
 * that closes, so a parent that is killed outright leaves no server behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root: children load config/ and src/ relative to it. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerOptions {
  /** Shown in messages, e.g. "webchat server". */
  label: string;
  /** Entry file relative to the repository root, e.g. "bench/serve-switchboard.ts". */
  entry: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  startTimeoutMs?: number;
  /** Forward the child's stdout and stderr to our stderr. */
  verbose?: boolean;
}

export interface ChildServer {
  port: number;
  pid: number;
  url: string;
  /** CPU seconds (user + system) the child has used so far; undefined where /proc is unavailable. */
  cpuSeconds(): number | undefined;
  /** SIGTERM, then SIGKILL if it has not exited in time. Safe to call twice. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every child still running; synchronous, so it also works from an `exit` handler. */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export async function startServer(options: ServerOptions): Promise<ChildServer> {
  if (!exitHookInstalled) {
    process.on('exit', killAllChildren);
    exitHookInstalled = true;
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.entry], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(child);
  const { stdout, stderr } = child;
  if (!stdout || !stderr) throw new Error(`${options.label}: spawn gave no stdout/stderr pipes`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));

  // Kept for the error message if the child dies before it listens.
  const stderrTail: string[] = [];
  createInterface({ input: stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    if (options.verbose) process.stderr.write(`[${options.label}] ${line}\n`);
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (await settlesWithin(exited, 10_000)) return;
    child.kill('SIGKILL');
    await settlesWithin(exited, 2_000);
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.label} did not report its port within ${timeoutMs} ms`)),
        timeoutMs,
      );
      // stdout is read to its end whatever it holds: a full pipe would block the child.
      createInterface({ input: stdout }).on('line', (line) => {
        const reported = portIn(line);
        if (reported !== undefined) {
          clearTimeout(timer);
          resolve(reported);
        } else if (options.verbose) process.stderr.write(`[${options.label}] ${line}\n`);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(
            `${options.label} exited (${signal ?? `code ${code}`}) before listening:\n${stderrTail.join('\n')}`,
          ),
        );
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const pid = child.pid as number;
  return { port, pid, url: `http://127.0.0.1:${port}`, cpuSeconds: () => cpuSecondsOf(pid), stop };
}

function portIn(line: string): number | undefined {
  if (!line.startsWith('{"benchPort"')) return undefined;
  try {
    const { benchPort } = JSON.parse(line) as { benchPort?: unknown };
    return typeof benchPort === 'number' ? benchPort : undefined;
  } catch {
    return undefined;
  }
}

// Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const TICKS_PER_SECOND = 100;

/** utime + stime from /proc/<pid>/stat (fields 14 and 15; the name in parentheses may hold spaces). */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field n is fields[n - 3].
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
