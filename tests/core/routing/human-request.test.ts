import { describe, expect, it } from 'vitest';
import { asksForPerson } from '../../../src/core/routing/human-request.js';

describe('asksForPerson', () => {
  it.each([
    '转人工',
    '人工客服',
    '人工！',
    '我要人工客服',
    '请帮我找一个客服人员',
    '能不能找真人',
    '帮我转人工服务',
    'talk to a human',
    'Can I speak with a real person please?',
    'agent please',
    'HUMAN',
    'connect me to an agent',
    'I want to talk to someone',
    'get me a manager',
  ])('hears "%s"', (text) => {
    expect(asksForPerson(text)).toBe(true);
  });

  it.each([
    '人工智能是什么',
    '人工客服工作时间是什么时候',
    '怎么联系客服',
    'where is my parcel',
    'is this a human-readable format?',
    'my agent code is 123',
    'human resources department address',
    '我的快递到哪了',
  ])('does not hear "%s"', (text) => {
    expect(asksForPerson(text)).toBe(false);
  });
});
