import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { StreamHub } from '../../../src/adapters/webchat/stream.js';

/** Just enough of an express Response for the hub: write, end and 'close'. */
function fakeResponse() {
  const emitter = new EventEmitter();
  const written: string[] = [];
  const response = Object.assign(emitter, {
    write: (chunk: string) => written.push(chunk) > 0,
    end: () => emitter.emit('close'),
  });
  return {
    response: response as unknown as Response,
    ids: () => written.map((w) => /id: (\S+)/.exec(w)?.[1]),
  };
}

const message = (id: string) => ({ event: 'message' as const, id, data: { id } });

describe('StreamHub', () => {
  it('holds live events during a replay and sends each message once, in order', () => {
    const hub = new StreamHub();
    const { response, ids } = fakeResponse();
    const subscriber = hub.subscribe('ws_a', response);
    hub.publish('ws_a', message('m2')); // its live event arrives while the replay is being read
    hub.publish('ws_a', message('m3'));
    subscriber.finishReplay([message('m1'), message('m2')]);
    hub.publish('ws_a', message('m4'));
    expect(ids()).toEqual(['m1', 'm2', 'm3', 'm4']);
    hub.closeAll();
  });

  it('skips the live event of a message the replay already sent', () => {
    const hub = new StreamHub();
    const { response, ids } = fakeResponse();
    // The replay read m2 before its live event was published (stored, not yet announced).
    hub.subscribe('ws_a', response).finishReplay([message('m1'), message('m2')]);
    hub.publish('ws_a', message('m2'));
    hub.publish('ws_a', message('m3'));
    expect(ids()).toEqual(['m1', 'm2', 'm3']);
    hub.closeAll();
  });

  it('forgets a subscriber when its connection closes, and only sends to its own session', () => {
    const hub = new StreamHub();
    const a = fakeResponse();
    const b = fakeResponse();
    hub.subscribe('ws_a', a.response).finishReplay([]);
    hub.subscribe('ws_b', b.response).finishReplay([]);
    hub.publish('ws_a', message('for-a'));
    expect(b.ids()).toEqual([]);
    a.response.emit('close');
    expect(hub.connections).toBe(1);
    hub.closeAll();
    expect(hub.connections).toBe(0);
  });
});
