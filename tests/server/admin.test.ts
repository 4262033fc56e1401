import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';

const TOKEN = 'a-long-admin-token-for-tests';
let switchboard: RunningSwitchboard | undefined;

afterEach(async () => {
  await switchboard?.close();
  switchboard = undefined;
});

const get = (path: string, token?: string) =>
  fetch(`${switchboard?.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('admin API', () => {
  it('is off, and says how to turn it on, when no ADMIN_TOKEN is set', async () => {
    switchboard = await startSwitchboard(testConfig());
    const response = await get('/admin/api/channels', TOKEN);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { code: 'admin_disabled', message: expect.stringContaining('ADMIN_TOKEN') },
    });
  });

  it('refuses a missing or wrong token', async () => {
    switchboard = await startSwitchboard(testConfig({ ADMIN_TOKEN: TOKEN }));
    expect((await get('/admin/api/channels')).status).toBe(401);
    const wrong = await get('/admin/api/channels', `${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
  });

  it("shows each channel's state and the knowledge base's status", async () => {
    switchboard = await startSwitchboard(testConfig({ ADMIN_TOKEN: TOKEN }));
    const channels = (await (await get('/admin/api/channels', TOKEN)).json()) as {
      channels: Record<string, unknown>;
    };
    expect(channels.channels.webchat).toMatchObject({ state: 'up', capabilities: { buttons: true } });
    const knowledge = await (await get('/admin/api/knowledge', TOKEN)).json();
    expect(knowledge).toMatchObject({ state: 'ready', errors: [], entries: expect.any(Number) });
  });
});
