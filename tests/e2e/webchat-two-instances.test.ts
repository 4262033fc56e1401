/**
 * The web chat on two instances sharing one Redis (run when REDIS_URL is set): a page whose stream
 * is open on one instance sees the answer to a message that another instance handled.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readEvents } from '../helpers/sse-reader.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';
import { WebchatClient } from '../helpers/webchat-client.js';

const REDIS_URL = process.env.REDIS_URL;
let instances: RunningSwitchboard[] = [];

afterEach(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  instances = [];
});

describe.skipIf(!REDIS_URL)('web chat across instances', () => {
  it('streams the echo and the answer on instance A for a message posted to instance B', async () => {
    const storeNamespace = `webchat-${randomUUID()}`;
    instances = await Promise.all(
      [1, 2].map(() => startSwitchboard(testConfig({ STORE_URL: REDIS_URL ?? '' }), { storeNamespace })),
    );
    const [a, b] = instances as [RunningSwitchboard, RunningSwitchboard];
    const onB = await WebchatClient.create(b.url);
    const reading = readEvents(`${a.url}/webchat/sessions/${onB.sessionId}/stream`, {}, 2);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the stream subscribe
    expect((await onB.post('where is my parcel?')).status).toBe(202);
    const events = await reading;
    expect(events.map((e) => [e.event, e.data.role])).toEqual([
      ['message', 'customer'],
      ['message', 'bot'],
    ]);
  });
});
