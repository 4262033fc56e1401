import { describe, expect, it } from 'vitest';
import { isFromChannel, parseDeskActivity } from '../../../src/adapters/teams/desk-parse.js';
import { readActivity } from '../../../src/adapters/teams/parse.js';
import { fixture, type RecordedActivity } from './fixtures.js';

const CHANNEL = '19:d441d38c655c47a085215b2726e76927@thread.tacv2';
const parse = (activity: RecordedActivity) => parseDeskActivity(readActivity(activity));

describe('parseDeskActivity (recorded activities in the agents’ channel)', () => {
  it('a thread reply is an agent reply in the thread of its root; the Entra object id names the agent', () => {
    const reply = { ...fixture('activity_channel_thread_followup') };
    reply.from = { ...reply.from, aadObjectId: 'aad-1' };
    expect(isFromChannel(readActivity(reply), CHANNEL)).toBe(true);
    expect(parse(reply)).toEqual({
      kind: 'event',
      root: '1767224924615',
      event: {
        kind: 'reply',
        agent: { id: 'aad-1', name: 'Test User' },
        text: 'Hi',
        attachments: [],
        eventId: '1767224937245',
      },
      from: { id: reply.from.id, name: 'Test User' },
    });
  });

  it('the bot’s @mention is stripped from an agent’s reply', () => {
    const mention = fixture('activity_channel_mention_root');
    const parsed = parse(mention);
    expect(parsed).toMatchObject({
      kind: 'event',
      root: '1771290107407',
      event: { kind: 'reply', text: 'Hey' },
    });
  });

  it('a press on our card is the action its data names, in the card’s thread', () => {
    const press = (value: unknown) => parse({ ...fixture('activity_adaptive_card_submit'), value });
    expect(press({ desk: 'claim' })).toMatchObject({
      kind: 'event',
      root: '1767326091220',
      event: {
        kind: 'claim',
        agent: { id: '00000000-1111-2222-3333-444444444444' },
        eventId: 'f:975cac46-e795-f39b-0c0d-491c14495a9b',
      },
    });
    expect(press({ desk: 'hand-back' })).toMatchObject({ event: { kind: 'hand-back' } });
    expect(press({ desk: 'send-suggestion', entryId: 'order.track' })).toMatchObject({
      event: { kind: 'send-suggestion', entryId: 'order.track' },
    });
    expect(press({ desk: 'send-suggestion' })).toMatchObject({ kind: 'ignored' });
    expect(press({ actionId: 'info' })).toMatchObject({ kind: 'ignored', reason: 'card action not ours' });
  });

  it('a press outside a thread finds the card through replyToId', () => {
    const submit = fixture('activity_adaptive_card_submit');
    const parsed = parse({
      ...submit,
      value: { desk: 'close' },
      replyToId: '1767326091220',
      conversation: { ...submit.conversation, id: CHANNEL },
    });
    expect(parsed).toMatchObject({ kind: 'event', root: '1767326091220', event: { kind: 'close' } });
  });

  it('the bot’s own posts, other activity types and empty messages are ignored', () => {
    const reply = fixture('activity_channel_thread_followup');
    expect(parse({ ...reply, from: reply.recipient })).toMatchObject({ kind: 'ignored' });
    expect(parse({ ...reply, type: 'typing' })).toMatchObject({ kind: 'ignored' });
    expect(parse({ ...reply, text: '' })).toMatchObject({ kind: 'ignored', root: '1767224924615' });
  });

  it('activities of other chats are not the agents’ channel', () => {
    expect(isFromChannel(readActivity(fixture('activity_personal_message')), CHANNEL)).toBe(false);
  });
});
