/**
 * The behaviour every customer channel owes, whatever the platform (issue 4, "one shared contract
 * suite"). Each adapter's test file supplies a harness that drives its real entry point (webhook
 * route, poller, puppet events) and captures what reaches the platform API; this file says what
 * must come of it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Address, OutboundMessage } from '../../src/core/model.js';
import { localize } from '../../src/knowledge/localize.js';
import type { RunningSwitchboard } from '../helpers/switchboard.js';

/** One message as it reached the platform API, read back the way the customer would see it. */
export interface CapturedSend {
  /** The text without the platform's escaping or markup. */
  text: string;
  /** Button labels (inline keyboard, Block Kit buttons, card actions); [] where there were none. */
  buttons: string[];
  /** Files, images and links to them the message carried. */
  attachments: number;
}

export interface ContractHarness {
  switchboard: RunningSwitchboard;
  /** The customer's chat, as the adapter records it. */
  address: Address;
  /** Delivers a customer text the way the platform does; `deliveryId` fixes the platform's event id (retries repeat it). */
  customerSays(text: string, options?: { deliveryId?: string }): Promise<void>;
  /** The customer presses a button carrying `payload`. */
  customerPresses(payload: string): Promise<void>;
  /** The customer sends a picture with no text. */
  customerSendsImage(): Promise<void>;
  /** The platform reports the bot's own message back to it. */
  botEchoes(text: string): Promise<void>;
  /** A delivery whose signature or token is wrong; resolves with the HTTP status. Absent where the platform has no inbound request (wechaty). */
  forgedDelivery?(text: string): Promise<number>;
  /** Everything sent to the customer so far, in order. */
  sent(): CapturedSend[];
  /** The platform answers the next send with 429, asking to retry after `seconds`. */
  rateLimitNextSend(seconds: number): void;
  stop(): Promise<void>;
}

const WAIT = { timeout: 10_000, interval: 20 };

export function describeChannelContract(name: string, start: () => Promise<ContractHarness>): void {
  describe(`${name}: channel contract`, () => {
    let harness: ContractHarness;
    beforeEach(async () => {
      harness = await start();
    });
    afterEach(async () => {
      await harness.stop();
    });

    const answerOf = (entryId: string) => {
      const entry = harness.switchboard.knowledge.current().entries.get(entryId);
      if (!entry) throw new Error(`sample knowledge has no ${entryId}`);
      return localize(entry.answer, 'en', 'en');
    };
    const conversation = () => harness.switchboard.conversations.findOpenConversation(harness.address);
    const transcript = async () => {
      const open = await conversation();
      return open ? harness.switchboard.conversations.listMessages(open) : [];
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

    it('text round trip: the customer asks, the knowledge answer reaches them and the store', async () => {
      await harness.customerSays('where is my parcel?');
      await vi.waitFor(() => expect(harness.sent()).toHaveLength(1), WAIT);
      expect(normalise(harness.sent()[0]?.text)).toBe(normalise(answerOf('order.track')));
      const messages = await transcript();
      expect(messages.map((m) => [m.role, m.kbEntryId])).toEqual([
        ['customer', undefined],
        ['bot', 'order.track'],
      ]);
      expect(messages[0]?.text).toBe('where is my parcel?');
    });

    it('quick replies become buttons, and pressing one answers its entry', async () => {
      await harness.customerSays('where is my parcel?');
      await vi.waitFor(() => expect(harness.sent()).toHaveLength(1), WAIT);
      const open = await conversation();
      if (!open) throw new Error('no conversation');
      await channel().send(
        harness.address,
        outbound(open.id, 'Pick one', {
          quickReplies: [
            { label: 'Track my order', payload: 'kb:order.track' },
            { label: 'Talk to a person', payload: 'handoff:request' },
          ],
        }),
      );
      await vi.waitFor(() => expect(harness.sent()).toHaveLength(2), WAIT);
      expect(harness.sent()[1]?.buttons).toEqual(['Track my order', 'Talk to a person']);

      await harness.customerPresses('kb:order.track');
      await vi.waitFor(() => expect(harness.sent()).toHaveLength(3), WAIT);
      expect(normalise(harness.sent()[2]?.text)).toBe(normalise(answerOf('order.track')));
    });

    it('an attachment in is recorded and answered; an attachment out is delivered', async () => {
      await harness.customerSendsImage();
      await vi.waitFor(() => expect(harness.sent()).toHaveLength(1), WAIT);
      const [received] = await transcript();
      expect(received?.attachments.map((a) => a.kind)).toEqual(['image']);
      expect((await conversation())?.status).toBe('waiting');

      const open = await conversation();
      if (!open) throw new Error('no conversation');
      await channel().send(
        harness.address,
        outbound(open.id, 'Your invoice', {
          attachments: [
            {
              kind: 'file',
              url: 'https://files.example/invoice.pdf',
              name: 'invoice.pdf',
              mime: 'application/pdf',
            },
          ],
        }),
      );
      await vi.waitFor(() => expect(harness.sent()).toHaveLength(2), WAIT);
      expect(harness.sent()[1]?.attachments).toBeGreaterThanOrEqual(1);
    });

    it('a duplicate delivery gets one answer', async () => {
      await harness.customerSays('where is my parcel?', { deliveryId: 'retry-1' });
      await harness.customerSays('where is my parcel?', { deliveryId: 'retry-1' });
      await vi.waitFor(() => expect(harness.sent()).toHaveLength(1), WAIT);
      await settle();
      expect(harness.sent()).toHaveLength(1);
      expect(await transcript()).toHaveLength(2);
    });

    it("the bot's own message gets no answer and is not recorded", async () => {
      await harness.botEchoes('where is my parcel?');
      await settle();
      expect(harness.sent()).toEqual([]);
      expect(await conversation()).toBeUndefined();
    });

    it('a forged delivery is rejected and nothing is recorded', async (context) => {
      if (!harness.forgedDelivery) return context.skip();
      expect([401, 403]).toContain(await harness.forgedDelivery('where is my parcel?'));
      await settle();
      expect(harness.sent()).toEqual([]);
      expect(await conversation()).toBeUndefined();
    });

    it('a 429 delays the send as asked, and the message is delivered once', async () => {
      harness.rateLimitNextSend(1);
      const started = Date.now();
      await harness.customerSays('where is my parcel?');
      await vi.waitFor(() => expect(harness.sent()).toHaveLength(1), WAIT);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      await settle();
      expect(harness.sent()).toHaveLength(1);
      const messages = await transcript();
      expect(messages[1]?.delivery).toBeUndefined();
    });

    const channel = () => {
      const found = harness.switchboard.channels.get(harness.address.channel);
      if (!found) throw new Error(`${harness.address.channel} channel is not running`);
      return found;
    };
  });
}

function outbound(conversationId: string, text: string, extra: Partial<OutboundMessage>): OutboundMessage {
  return {
    id: `msg_contract${Math.random().toString(36).slice(2, 12).padEnd(12, '0')}`,
    conversationId,
    seq: 0,
    role: 'agent',
    text,
    quickReplies: [],
    attachments: [],
    locale: 'en',
    ...extra,
  };
}

/** Compares texts the way a reader does: platforms may fold whitespace. */
function normalise(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
