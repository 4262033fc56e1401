/**
 * What the fuzz run reports at its end: cases sent per route, 5xx answers (with the first few
 * requests that caused them, so they can be replayed), and the heap before and after.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RawRequest } from './raw-http.js';

export interface Memory {
  heapUsedMb: number;
  rssMb: number;
}

/** A 5xx, a broken answer or a dropped connection: the request, shortened so the report stays readable. */
export interface Finding {
  route: string;
  problem: string;
  request: { method: string; path: string; headers: Record<string, string>; body: string };
}

const KEPT_FINDINGS = 20;

export class Tally {
  readonly cases = new Map<string, number>();
  serverErrors = 0;
  readonly findings: Finding[] = [];

  count(route: string): void {
    this.cases.set(route, (this.cases.get(route) ?? 0) + 1);
  }

  record(route: string, problem: string, req: RawRequest, serverError: boolean): void {
    if (serverError) this.serverErrors++;
    if (this.findings.length >= KEPT_FINDINGS) return;
    this.findings.push({ route, problem, request: shortened(req) });
  }

  get total(): number {
    let sum = 0;
    for (const n of this.cases.values()) sum += n;
    return sum;
  }

  report(before: Memory, after: Memory, seconds: number): string {
    const perRoute = [...this.cases].map(([route, n]) => `  ${route.padEnd(44)} ${n}`).join('\n');
    const findings = this.findings.map((f) => `  ${f.route}: ${f.problem}\n    ${JSON.stringify(f.request)}`);
    return [
      `fuzz: ${this.total} cases in ${seconds.toFixed(1)} s, ${this.serverErrors} answered 5xx, ${this.findings.length} finding(s) kept`,
      `fuzz: heapUsed ${before.heapUsedMb} MB -> ${after.heapUsedMb} MB, rss ${before.rssMb} MB -> ${after.rssMb} MB (after GC)`,
      perRoute,
      ...findings,
    ].join('\n');
  }
}

const SHOWN_BYTES = 2_000;

/** A request as a report shows it: long paths and bodies cut, with the body's full length. */
export function shortened(req: RawRequest): Finding['request'] {
  const body = req.body ?? Buffer.alloc(0);
  const cut = body.length > SHOWN_BYTES ? `… (${body.length} bytes)` : '';
  return {
    method: req.method,
    path: req.path.slice(0, SHOWN_BYTES),
    headers: Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [name, value.slice(0, SHOWN_BYTES)]),
    ),
    body: `${body.subarray(0, SHOWN_BYTES).toString('utf8')}${cut}`,
  };
}

let collect: (() => void) | undefined;

/** Heap and RSS after a full collection; gc is switched on here, so no node flag is needed. */
export function measureMemory(): Memory {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsedMb: toMb(heapUsed), rssMb: toMb(rss) };
}

function toMb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
