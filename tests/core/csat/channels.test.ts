/**
 * The rating buttons on the channels not run end to end in tests/e2e/csat-*: each renders them in
 * its own form, and what comes back when pressed (or typed, on WeChat) reads as the same score.
 */
import { describe, expect, it } from 'vitest';
import { parseInteraction } from '../../../src/adapters/slack/parse.js';
import { renderOutbound as renderSlack } from '../../../src/adapters/slack/render.js';
import { renderOutbound as renderTeams } from '../../../src/adapters/teams/render.js';
import { applyChoice } from '../../../src/adapters/wechat/parse.js';
import { renderWechat } from '../../../src/adapters/wechat/render.js';
import { parseRating } from '../../../src/core/csat/answers.js';
import { surveyQuestion } from '../../../src/core/csat/questions.js';
import type { InboundMessage, Locale, OutboundMessage } from '../../../src/core/model.js';
import { BOT_ID, BOT_USER, buttonPress } from '../../adapters/slack/slack-kit.js';

function question(locale: Locale): OutboundMessage {
  return {
    id: 'msg_survey',
    conversationId: 'conv_x',
    seq: 9,
    role: 'bot',
    attachments: [],
    locale,
    ...surveyQuestion('rating', locale),
  };
}

function typed(text: string): InboundMessage {
  return {
    address: { channel: 'wechat', chatId: 'wxid_customer', userId: 'wxid_customer' },
    text,
    attachments: [],
    dedupeKey: 'wechat-msg-1',
    fromBot: false,
    receivedAt: '2026-03-02T10:00:00.000Z',
  };
}

const rating = (inbound: InboundMessage) =>
  parseRating({ text: inbound.text, ...(inbound.action ? { payload: inbound.action.payload } : {}) });

describe('rating buttons on each channel', () => {
  it('Slack: five buttons whose press reads as its score', () => {
    const [post] = renderSlack(question('en'));
    const values = JSON.stringify(post?.blocks).match(/csat:\d/g);
    expect(values).toEqual(['csat:1', 'csat:2', 'csat:3', 'csat:4', 'csat:5']);
    const pressed = parseInteraction(buttonPress('csat:4', '4 · Good', '1767400001.000001'), {
      botUserId: BOT_USER,
      botId: BOT_ID,
      receivedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(pressed.kind).toBe('message');
    if (pressed.kind === 'message') expect(rating(pressed.inbound)).toBe(4);
  });

  it('Teams: an Adaptive Card of five Submit buttons carrying the payload', () => {
    const card = JSON.stringify(renderTeams(question('zh-CN')));
    expect(card.match(/"payload":"csat:\d"/g)).toEqual([
      '"payload":"csat:1"',
      '"payload":"csat:2"',
      '"payload":"csat:3"',
      '"payload":"csat:4"',
      '"payload":"csat:5"',
    ]);
    expect(card).toContain('5 非常满意');
  });

  it('WeChat: a numbered list where the typed number is the score', () => {
    const message = question('zh-CN');
    const [text] = renderWechat(message);
    expect(text).toMatchObject({ kind: 'text' });
    expect(text?.kind === 'text' ? text.text : '').toContain('回复 4：4 满意');
    for (const score of [1, 2, 3, 4, 5]) {
      expect(rating(applyChoice(typed(String(score)), message.quickReplies))).toBe(score);
    }
    // Without the offered list (it expired), the typed digit still reads as the score.
    expect(rating(applyChoice(typed('3'), []))).toBe(3);
  });
});
