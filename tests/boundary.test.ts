/**
 * DESIGN.md's layering, checked: `src/core` imports no platform SDK and no HTTP framework, and
 * each adapter's parse/render modules are pure (no SDK, no I/O), so a recorded payload is a
 * complete test of them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PLATFORM_SDKS = /^(botbuilder|botframework-|@slack\/|telegraf|wechaty|@microsoft\/)/;
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|http|https|net|dgram|child_process|express|@keyv\/|keyv|undici)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(path: string): string[] {
  const source = readFileSync(path, 'utf8');
  return [
    ...source.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((match) => match[1] ?? match[2] ?? '');
}

describe('layer boundaries', () => {
  it('src/core imports no platform SDK and no express', () => {
    const offenders = files('src/core').flatMap((path) =>
      imports(path)
        .filter((name) => PLATFORM_SDKS.test(name) || name === 'express' || name.startsWith('../adapters'))
        .map((name) => `${path} imports ${name}`),
    );
    expect(offenders).toEqual([]);
    expect(files('src/core').length).toBeGreaterThan(10); // the scan saw the code
  });

  it('adapters’ parse and render modules are pure: no SDK, no I/O', () => {
    const pure = files('src/adapters').filter((path) => /\/(desk-)?(parse|render)\.ts$/.test(path));
    expect(pure.length).toBeGreaterThanOrEqual(2);
    const offenders = pure.flatMap((path) =>
      imports(path)
        .filter((name) => PLATFORM_SDKS.test(name) || IO_MODULES.test(name))
        .map((name) => `${path} imports ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the knowledge engine imports no platform SDK or HTTP framework', () => {
    const offenders = files('src/knowledge').flatMap((path) =>
      imports(path)
        .filter((name) => PLATFORM_SDKS.test(name) || name === 'express')
        .map((name) => `${path} imports ${name}`),
    );
    expect(offenders).toEqual([]);
  });
});
