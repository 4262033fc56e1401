/**
 * The admin dashboard in headless Chromium, over a store seeded through the web chat: it asks for
 * the token, then shows the figures, the live queue, channel health, the knowledge base's state
 * and the gaps, renders customer text as text, and breaks no CSP rule. Screenshots go to
 * test-results/. Needs Debian's `chromium` (`.ci/run` installs it); skipped without it.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFor, launchChromium } from '../helpers/chromium.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';
import { WebchatClient } from '../helpers/webchat-client.js';

const hasChromium = chromiumFor('dashboard browser test');

const TOKEN = 'a-long-admin-token-for-tests';
const HOSTILE = '<img src=x onerror="window.__pwned=1"> zqxv blorf';

describe.skipIf(!hasChromium)('admin dashboard in a browser', () => {
  let server: RunningSwitchboard;
  let browser: Browser;
  let waitingTicket: string;

  beforeAll(async () => {
    server = await startSwitchboard(testConfig({ ADMIN_TOKEN: TOKEN }));
    // Four conversations: one answered, two asking for a person (one then claimed), and one the bot
    // cannot place, which is handed off too and becomes a knowledge gap.
    await (await WebchatClient.create(server.url)).ask('where is my parcel?');
    await (await WebchatClient.create(server.url)).ask('I want to talk to a human');
    await (await WebchatClient.create(server.url)).ask('转人工');
    await (await WebchatClient.create(server.url)).ask(HOSTILE);
    const [waiting, claimed] = await server.desk.queue.list();
    if (!waiting || !claimed) throw new Error('two handoffs expected in the queue');
    waitingTicket = (await server.conversations.getConversation(waiting.conversationId))?.ticket ?? '';
    const conversation = await server.conversations.getConversation(claimed.conversationId);
    if (!conversation) throw new Error('claimed conversation missing');
    await server.desk.queue.remove(conversation.id);
    await server.conversations.updateConversation(conversation, {
      status: 'agent',
      assignee: 'U024BE7LH',
      assigneeName: 'Mei <script>',
      agentJoinedAt: new Date().toISOString(),
    });

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(viewport: {
    width: number;
    height: number;
  }): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // CSP violations are reported as console errors.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${server.url}/admin/`);
    return { page, problems };
  }

  it('asks for the token, refuses a wrong one, then shows the seeded figures, queue, health and gaps', async () => {
    const { page, problems } = await open({ width: 1280, height: 900 });
    await expect.poll(() => page.locator('#login').isVisible()).toBe(true);
    expect(await page.locator('#dashboard').isVisible()).toBe(false);

    await page.fill('#token', 'not-the-right-token-at-all');
    await page.press('#token', 'Enter');
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('refused');
    // Each refused API call (the page asks several at once) is logged by Chromium as a failed
    // resource load; that is the test's doing. Cleared once they have all come back.
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(250);
    problems.length = 0;

    await page.fill('#token', TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 10_000 });

    const tile = (label: string) => page.locator(`.tile[data-figure="${label}"] .value`).textContent();
    expect(await tile('Conversations')).toBe('4');
    expect(await page.locator('#waiting tbody tr').count()).toBe(2);
    expect(await page.locator('#waiting tbody').textContent()).toContain(waitingTicket);
    expect(await page.locator('#claimed tbody').textContent()).toContain('Mei <script>');
    expect(await page.locator('#channels [data-channel="webchat"]').textContent()).toContain('up');
    expect(await page.locator('#kb').textContent()).toContain('ready');
    expect(await page.locator('#chart-volume').count()).toBe(1);
    const gaps = page.locator('#gaps .gap');
    await expect.poll(() => gaps.count()).toBeGreaterThan(0);
    expect(await page.locator('#gaps').textContent()).toContain('zqxv blorf');
    expect(await gaps.first().locator('.yaml').textContent()).toMatch(/id: /);

    // Customer text is shown, never run.
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);

    // The token stays for this tab: a reload opens the dashboard without asking again.
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 10_000 });

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
    expect(problems).toEqual([]);
  });

  it('is usable on a phone: one column, no sideways scrolling of the page', async () => {
    const { page, problems } = await open({ width: 390, height: 844 });
    await page.fill('#token', TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 10_000 });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/dashboard-phone.png', fullPage: true });
    expect(problems).toEqual([]);
  });
});
