/**
 * Headless Chromium for the browser tests: Debian's `chromium` (`.ci/run` installs it) or
 * CHROMIUM_PATH. Without it the tests are reported as skipped, with a line saying why.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when Chromium is there; otherwise warns that `what` is skipped. */
export function chromiumFor(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  console.warn(
    `${what} skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium tries to reach Google's hosts, which this
    // closed network refuses; --no-sandbox because CI runs as root.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
