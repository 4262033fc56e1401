/**
 * The customer's view: headless Chromium opens `/`, asks a question, sees the answer, uses a quick
 * reply and finds the conversation again after a reload. Needs Debian's `chromium` (`.ci/run`
 * installs it); without it the test is reported as skipped.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFor, launchChromium } from '../../helpers/chromium.js';
import { type RunningSwitchboard, startSwitchboard } from '../../helpers/switchboard.js';

const hasChromium = chromiumFor('web chat browser test');

describe.skipIf(!hasChromium)('web chat page in a browser', () => {
  let server: RunningSwitchboard;
  let browser: Browser;

  beforeAll(async () => {
    server = await startSwitchboard();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks, gets the answer, presses a quick reply, and keeps the conversation after a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 780 }, locale: 'en-US' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });

    await page.goto(`${server.url}/`);
    await page.fill('#composer', 'where is my parcel?');
    await page.press('#composer', 'Enter');
    const answer = page.locator('.message[data-role="bot"]').first();
    await expect.poll(() => answer.textContent(), { timeout: 10_000 }).toMatch(/My orders/);

    const quickReply = page.locator('.quick-reply').first();
    const label = (await quickReply.textContent())?.trim() ?? '';
    await quickReply.click();
    await expect.poll(() => page.locator('.message[data-role="bot"]').count(), { timeout: 10_000 }).toBe(2);
    expect(label.length).toBeGreaterThan(0);

    // Text that looks like HTML is shown as text, never run.
    await page.fill('#composer', '<img src=x onerror="window.__pwned=1">');
    await page.press('#composer', 'Enter');
    await expect.poll(() => page.locator('.message[data-role="customer"]').count()).toBe(3);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#messages img').count()).toBe(0);

    await page.reload();
    await expect
      .poll(() => page.locator('.message[data-role="customer"]').count(), { timeout: 10_000 })
      .toBe(3);
    await expect
      .poll(() => page.locator('.message[data-role="customer"]').first().textContent())
      .toContain('where is my parcel?');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/webchat-phone.png', fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
