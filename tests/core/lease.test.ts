/** One holder at a time: the second instance waits, and takes over when the first stops or dies. */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Lease } from '../../src/core/lease.js';
import type { KeyValueStore } from '../../src/core/store/key-value.js';
import { openStore } from '../../src/core/store/open-store.js';
import { tempDir } from '../helpers/switchboard.js';

const logger = pino({ level: 'silent' });
const stores: KeyValueStore[] = [];
const leases: Lease[] = [];

async function store(): Promise<KeyValueStore> {
  const opened = await openStore(`sqlite://${join(tempDir(), 'lease.sqlite')}`);
  stores.push(opened);
  return opened;
}

function lease(kv: KeyValueStore, events: string[], name: string) {
  const made = new Lease(kv, 'timers', {
    ttlMs: 300,
    renewMs: 50,
    logger,
    onAcquired: () => void events.push(`${name} acquired`),
    onLost: () => void events.push(`${name} lost`),
  });
  leases.push(made);
  return made;
}

afterEach(async () => {
  await Promise.all(leases.splice(0).map((l) => l.stop()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('Lease', () => {
  it('has one holder; the other takes over when the holder stops', async () => {
    const kv = await store();
    const events: string[] = [];
    const first = lease(kv, events, 'first');
    const second = lease(kv, events, 'second');
    await first.start();
    await second.start();
    expect([first.held, second.held]).toEqual([true, false]);
    await first.stop();
    await vi.waitFor(() => expect(second.held).toBe(true), { timeout: 2000, interval: 20 });
    expect(events).toEqual(['first acquired', 'first lost', 'second acquired']);
  });

  it('takes over from a holder that died without releasing, once its lease runs out', async () => {
    const kv = await store();
    await kv.setIfAbsent('lease:timers', 'a-dead-instance', 300);
    const events: string[] = [];
    const survivor = lease(kv, events, 'survivor');
    await survivor.start();
    expect(survivor.held).toBe(false);
    await vi.waitFor(() => expect(survivor.held).toBe(true), { timeout: 2000, interval: 20 });
  });

  it('gives the work up when it cannot renew (the store is unreachable)', async () => {
    const kv = await store();
    const events: string[] = [];
    const holder = lease(kv, events, 'holder');
    await holder.start();
    vi.spyOn(kv, 'extendIfHeld').mockRejectedValue(new Error('connection refused'));
    await vi.waitFor(() => expect(holder.held).toBe(false), { timeout: 2000, interval: 20 });
    expect(events).toEqual(['holder acquired', 'holder lost']);
  });
});
