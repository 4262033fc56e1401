import { describe, expect, it } from 'vitest';
import { Bursts } from '../../../src/core/routing/bursts.js';

describe('Bursts', () => {
  it('knows when a later message of the chat is waiting', () => {
    const bursts = new Bursts();
    bursts.arrived('chat');
    expect(bursts.laterWaiting('chat')).toBe(false);
    bursts.arrived('chat');
    expect(bursts.laterWaiting('chat')).toBe(true);
    bursts.answered('chat');
    expect(bursts.laterWaiting('chat')).toBe(false);
    expect(bursts.laterWaiting('other')).toBe(false);
  });

  it('merges a carried fragment into the next message once, and drops a stale or overlong one', () => {
    const bursts = new Bursts({ maxAgeMs: 1000, maxLength: 20 });
    expect(bursts.carry('chat', 'my parcel', 0)).toBe(true);
    expect(bursts.merge('chat', 'where is it', 500)).toBe('my parcel\nwhere is it');
    expect(bursts.merge('chat', 'again', 600)).toBe('again');
    bursts.carry('chat', 'old', 0);
    expect(bursts.merge('chat', 'new', 5000)).toBe('new');
    expect(bursts.carry('chat', 'x'.repeat(21), 0)).toBe(false);
  });
});
