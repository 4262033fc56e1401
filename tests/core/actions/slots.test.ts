import { describe, expect, it } from 'vitest';
import { findSlotValue, isCancel, profileValue } from '../../../src/core/actions/slots.js';
import type { Customer } from '../../../src/core/model.js';
import type { ActionSlot } from '../../../src/knowledge/action-schema.js';

const orderId: ActionSlot = {
  pattern: '[A-Z][0-9]{7}',
  prompt: 'order?',
  from: ['message', 'ask'],
  uppercase: true,
};

describe('findSlotValue', () => {
  it('finds the value inside Chinese or English text', () => {
    expect(findSlotValue(orderId, '订单A1234567到哪了')).toBe('A1234567');
    expect(findSlotValue(orderId, 'my order is a1234567, thanks')).toBe('A1234567');
  });

  it('does not take a piece of a longer code', () => {
    expect(findSlotValue(orderId, 'A12345678')).toBeUndefined();
    expect(findSlotValue(orderId, 'XA1234567')).toBeUndefined();
    expect(findSlotValue(orderId, '1234567')).toBeUndefined();
  });

  it('keeps the case when the slot does not ask for upper case', () => {
    expect(findSlotValue({ ...orderId, uppercase: false }, 'a1234567')).toBeUndefined();
  });
});

describe('profileValue', () => {
  const phone: ActionSlot = {
    pattern: '\\+?[0-9]{11,13}',
    prompt: 'phone?',
    from: ['profile', 'ask'],
    profile: 'phone',
    uppercase: false,
  };
  const customer: Customer = {
    id: 'c',
    identities: [],
    tier: 'standard',
    attributes: {},
    createdAt: '',
    contacts: ['email:a@b.cn', 'phone:+8613800138000'],
  };

  it('takes the detail from the profile when the slot may come from there', () => {
    expect(profileValue(phone, customer)).toBe('+8613800138000');
  });

  it('ignores the profile when the slot may not come from there, or the value is invalid', () => {
    expect(profileValue({ ...phone, from: ['ask'] }, customer)).toBeUndefined();
    expect(profileValue(phone, { ...customer, contacts: ['phone:12'] })).toBeUndefined();
  });
});

describe('isCancel', () => {
  it.each(['算了', '算了吧', '不用了，谢谢', 'never mind', 'Cancel', 'forget it!'])(
    '"%s" cancels',
    (text) => {
      expect(isCancel(text)).toBe(true);
    },
  );

  it.each(['A1234567', 'how do I stop my subscription from renewing every month', 'cancellation policy'])(
    '"%s" does not',
    (text) => {
      expect(isCancel(text)).toBe(false);
    },
  );
});
