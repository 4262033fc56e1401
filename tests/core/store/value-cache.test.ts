import { describe, expect, it } from 'vitest';
import { ValueCache } from '../../../src/core/store/value-cache.js';

describe('ValueCache', () => {
  it('returns what was set, remembers a cached miss, and forgets deleted keys', () => {
    const cache = new ValueCache(10);
    cache.set('a', { n: 1 });
    cache.fill('b', cache.reserve('b'), undefined);
    expect(cache.get('a')).toEqual({ found: true, value: { n: 1 } });
    expect(cache.get('b')).toEqual({ found: true, value: undefined });
    cache.delete('a');
    expect(cache.get('a')).toEqual({ found: false });
  });

  it('expires entries on the clock it is given', () => {
    let now = 1_000;
    const cache = new ValueCache(10, () => now);
    cache.set('ttl', 'v', 1_500);
    expect(cache.get('ttl').found).toBe(true);
    now = 1_500;
    expect(cache.get('ttl').found).toBe(false);
  });

  it('never lets a slow read overwrite a newer write', () => {
    const cache = new ValueCache(10);
    const token = cache.reserve('conversation');
    cache.set('conversation', { messageCount: 2 }); // written while the read was in flight
    cache.fill('conversation', token, { messageCount: 1 });
    expect(cache.get('conversation').value).toEqual({ messageCount: 2 });
  });

  it('evicts the oldest entry beyond its capacity', () => {
    const cache = new ValueCache(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10); // an update keeps its place
    cache.set('c', 3);
    expect(cache.get('a').found).toBe(false);
    expect(cache.get('b').value).toBe(2);
    expect(cache.get('c').value).toBe(3);
  });
});
