/**
 * The desk's pure modules: what agents' acts become (recorded payloads), what the card and posts
 * look like, and that nothing a customer writes can become a live mention in the agents' channel.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDeskAction, parseDeskEvent } from '../../../src/adapters/slack/desk-parse.js';
import { renderCard, renderEscalation, renderPost } from '../../../src/adapters/slack/desk-render.js';
import type { DeskCard } from '../../../src/core/desk/agent-desk.js';
import { AGENT_CHANNEL, BOT_ID, BOT_USER, DM, fixture } from './slack-kit.js';

const context = {
  botUserId: BOT_USER,
  botId: BOT_ID,
  agentChannel: AGENT_CHANNEL,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

const card: DeskCard = {
  ticket: 'A7K2',
  conversationId: 'conv_1',
  status: 'waiting',
  priority: 'urgent',
  reason: 'complaint <!channel>',
  customer: { name: 'Wang <!here>', tier: 'vip', locale: 'zh-CN', channel: 'telegram' },
  lastMessages: [
    { role: 'customer', text: '骗子！<@U0BOSS> refund now & fast', at: '2026-01-01T00:00:00.000Z' },
    { role: 'bot', text: 'A person will take over shortly.', at: '2026-01-01T00:00:01.000Z' },
  ],
  suggestions: [
    {
      entryId: 'refund.time',
      label: 'Refund time',
      answer: '3-5 days <https://evil|bank>',
      confidence: 0.55,
    },
  ],
  history: [{ ticket: 'B2C3', channel: 'webchat', openedAt: '2025-12-01T10:00:00.000Z', status: 'closed' }],
  queuePosition: 2,
};

/** Every `<…>` Slack would read as markup. */
function controls(text: string): string[] {
  return text.match(/<[^>]*>/g) ?? [];
}

describe('desk-parse', () => {
  it('an agent reply in a thread under the bot’s card (event_thread_reply_agent.json)', () => {
    const input = parseDeskEvent(fixture('event_thread_reply_agent.json'), context);
    expect(input).toEqual({
      kind: 'event',
      event: {
        kind: 'reply',
        thread: { desk: 'slack', channelId: AGENT_CHANNEL, threadId: '1767225650.000150' },
        agent: { id: 'U0AGENT001' },
        text: "Hi, I'm Lin from support. I've refunded order #1234.",
        attachments: [],
        eventId: `${AGENT_CHANNEL}:1767225700.000200`,
      },
      channel: AGENT_CHANNEL,
      threadTs: '1767225650.000150',
      user: 'U0AGENT001',
    });
  });

  it('leaves other channels to the customer channel and ignores chatter, bots and edits in the desk', () => {
    const elsewhere = fixture('event_thread_reply_agent.json');
    elsewhere.event.channel = DM;
    expect(parseDeskEvent(elsewhere, context)).toBeUndefined();
    expect(
      parseDeskEvent(fixture('event_thread_reply_agent.json'), { ...context, agentChannel: undefined }),
    ).toBeUndefined();
    const topLevel = fixture('event_thread_reply_agent.json');
    delete topLevel.event.thread_ts;
    expect(parseDeskEvent(topLevel, context)).toMatchObject({ kind: 'ignored' });
    const bot = fixture('event_thread_reply_agent.json');
    bot.event.bot_id = 'B0OTHER';
    expect(parseDeskEvent(bot, context)).toMatchObject({ kind: 'ignored', reason: 'from a bot' });
    const foreignThread = fixture('event_thread_reply_agent.json');
    foreignThread.event.parent_user_id = 'U0SOMEONE';
    expect(parseDeskEvent(foreignThread, context)).toMatchObject({ kind: 'ignored' });
    const edit = fixture('event_message_changed.json');
    edit.event.channel = AGENT_CHANNEL;
    expect(parseDeskEvent(edit, context)).toMatchObject({ kind: 'ignored' });
  });

  it('turns the card’s buttons into desk events; two agents’ presses keep apart', () => {
    const press = (actionId: string, user: string, value = 'conv_1') => ({
      type: 'block_actions',
      user: { id: user },
      channel: { id: AGENT_CHANNEL },
      message: { ts: '1767400000.000001' },
      actions: [{ action_id: actionId, action_ts: '1767400001.000001', value }],
    });
    const thread = { desk: 'slack', channelId: AGENT_CHANNEL, threadId: '1767400000.000001' };
    const a = parseDeskAction(press('switchboard_desk_claim', 'U0A'), context);
    const b = parseDeskAction(press('switchboard_desk_claim', 'U0B'), context);
    expect(a).toMatchObject({ event: { kind: 'claim', thread, agent: { id: 'U0A' } } });
    expect(a?.kind === 'event' && b?.kind === 'event' && a.event.eventId !== b.event.eventId).toBe(true);
    expect(parseDeskAction(press('switchboard_desk_close', 'U0A'), context)).toMatchObject({
      event: { kind: 'close' },
    });
    expect(parseDeskAction(press('switchboard_desk_hand_back', 'U0A'), context)).toMatchObject({
      event: { kind: 'hand-back' },
    });
    expect(parseDeskAction(press('switchboard_desk_send_1', 'U0A', 'refund.time'), context)).toMatchObject({
      event: { kind: 'send-suggestion', entryId: 'refund.time' },
    });
    expect(parseDeskAction(press('switchboard_qr_0', 'U0A'), context)).toMatchObject({ kind: 'ignored' });
  });
});

describe('desk-render', () => {
  it('the card: ticket and priority, customer, status, reason, transcript, history, suggestions, buttons', () => {
    const { text, blocks = [] } = renderCard(card);
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Ticket A7K2 · 🔴 urgent', emoji: true },
    });
    const json = JSON.stringify(blocks);
    for (const part of ['⭐ VIP', 'telegram', 'zh-CN', '#2 in the queue', 'B2C3', 'Refund time', '55%']) {
      expect(json).toContain(part);
    }
    const buttons = blocks.flatMap((block) =>
      block.type === 'actions'
        ? block.elements
        : block.type === 'section' && block.accessory
          ? [block.accessory]
          : [],
    );
    expect(buttons.map((button) => [button.text.text, button.action_id])).toEqual([
      ['Send', 'switchboard_desk_send_0'],
      ['Claim', 'switchboard_desk_claim'],
      ['Close', 'switchboard_desk_close'],
      ['Hand back to bot', 'switchboard_desk_hand_back'],
    ]);
    expect(text).toContain('A7K2');
  });

  it('nothing from the customer or the knowledge base becomes markup; only our date token does', () => {
    const { text, blocks = [] } = renderCard(card);
    const all = `${text}\n${blocks
      .flatMap((block) => {
        if (block.type === 'section')
          return [block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text)];
        if (block.type === 'context') return block.elements.map((e) => e.text);
        return [];
      })
      .join('\n')}`;
    expect(controls(all)).toEqual(['<!date^1764583200^{date_short}|2025-12-01>']);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;@U0BOSS&gt; refund now &amp; fast');
  });

  it('claimed, handed back and closed cards', () => {
    const claimed = JSON.stringify(
      renderCard({ ...card, status: 'agent', assignee: { id: 'U0AGENT001' } }).blocks,
    );
    expect(claimed).toContain('Claimed by* <@U0AGENT001>');
    expect(claimed).not.toContain('switchboard_desk_claim');
    const closed = renderCard({ ...card, status: 'closed', assignee: { id: 'U0AGENT001' } });
    expect(JSON.stringify(closed.blocks)).not.toContain('switchboard_desk_');
    expect(JSON.stringify(renderCard({ ...card, status: 'bot' }).blocks)).toContain('Handed back to the bot');
    // An agent id that is not a Slack user id is shown as text, never as markup.
    const odd = JSON.stringify(
      renderCard({ ...card, status: 'agent', assignee: { id: '<!channel>' } }).blocks,
    );
    expect(odd).toContain('&lt;!channel&gt;');
  });

  it('posts: the customer mirrored with links for files, escaped; escalation pings @here with the thread link', () => {
    const [post] = renderPost({
      kind: 'customer',
      text: '<!channel> see photo',
      attachments: [
        { kind: 'image', url: 'https://cdn.example/p.jpg', name: 'p.jpg' },
        { kind: 'sticker', platformFileId: 'x' },
      ],
    });
    expect(post?.text).toBe(
      '*Customer:* &lt;!channel&gt; see photo\n📎 <https://cdn.example/p.jpg|p.jpg>\n📎 sticker',
    );
    const escalation = renderEscalation(
      card,
      'Ticket A7K2 waited 10 min <!everyone>',
      'https://acme.slack.com/archives/C1/p1',
    );
    expect(controls(escalation.text)).toEqual([
      '<!here>',
      '<https://acme.slack.com/archives/C1/p1|Open the thread and claim it>',
    ]);
  });

  it('desk-parse and desk-render are pure: no SDK, no I/O', () => {
    for (const file of ['desk-parse.ts', 'desk-render.ts']) {
      const source = readFileSync(`src/adapters/slack/${file}`, 'utf8');
      const imports = [...source.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
      expect(imports.filter((name) => !name.startsWith('./') && !name.startsWith('../../core/'))).toEqual([]);
    }
  });
});
