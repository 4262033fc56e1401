/**
 * The shared channel contract, driven through Slack's real HTTP routes: signed Events API and
 * interactivity requests in, chat.postMessage calls captured by the fake Web API out.
 */
import nock from 'nock';
import type { ContractHarness } from '../channel-contract.js';
import { describeChannelContract } from '../channel-contract.js';
import {
  BOT_ID,
  BOT_USER,
  buttonPress,
  CUSTOMER,
  DM,
  directMessage,
  FakeSlackApi,
  postEvent,
  postInteraction,
  startSlackSwitchboard,
  unescapeSlack,
} from './slack-kit.js';

async function startHarness(): Promise<ContractHarness> {
  const api = new FakeSlackApi();
  const switchboard = await startSlackSwitchboard();
  let sequence = 0;
  const tsByDelivery = new Map<string, string>();
  // Slack's retries repeat the whole request: the same event_id and the same message ts.
  const nextTs = (deliveryId?: string) => {
    const known = deliveryId ? tsByDelivery.get(deliveryId) : undefined;
    if (known) return known;
    sequence++;
    const ts = `1767300000.${String(sequence).padStart(6, '0')}`;
    if (deliveryId) tsByDelivery.set(deliveryId, ts);
    return ts;
  };
  const expectOk = async (response: Promise<Response>) => {
    const { status } = await response;
    if (status !== 200) throw new Error(`Slack route answered ${status}`);
  };

  return {
    switchboard,
    address: { channel: 'slack', chatId: DM, userId: CUSTOMER },
    customerSays: (text, options) => {
      const ts = nextTs(options?.deliveryId);
      return expectOk(postEvent(switchboard, directMessage(text, { ts })));
    },
    customerPresses: (payload) => {
      const ts = nextTs();
      return expectOk(postInteraction(switchboard, buttonPress(payload, payload, ts)));
    },
    customerSendsImage: () => {
      const ts = nextTs();
      const files = [
        {
          id: 'F0IMAGE001',
          name: 'photo.jpg',
          mimetype: 'image/jpeg',
          size: 52_000,
          mode: 'hosted',
          url_private: 'https://files.slack.com/files-pri/T123ABC456-F0IMAGE001/photo.jpg',
        },
      ];
      return expectOk(
        postEvent(switchboard, directMessage('', { ts, extra: { subtype: 'file_share', files } })),
      );
    },
    botEchoes: (text) => {
      const ts = nextTs();
      return expectOk(
        postEvent(switchboard, directMessage(text, { ts, user: BOT_USER, extra: { bot_id: BOT_ID } })),
      );
    },
    forgedDelivery: async (text) => {
      const response = await postEvent(switchboard, directMessage(text, { ts: nextTs() }), {
        secret: 'not_the_signing_secret_at_all',
      });
      return response.status;
    },
    sent: () =>
      api.posts().map((post) => {
        const text = unescapeSlack(post.text ?? '');
        // biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as posted
        const blocks: any[] = post.blocks ? JSON.parse(post.blocks) : [];
        const buttons = blocks
          .filter((block) => block.type === 'actions')
          // biome-ignore lint/suspicious/noExplicitAny: see above
          .flatMap((block) => block.elements.map((element: any) => element.text.text as string));
        return { text, buttons, attachments: (post.text?.match(/<https?:\/\//g) ?? []).length };
      }),
    rateLimitNextSend: (seconds) =>
      api.failNext(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(seconds) }),
    stop: async () => {
      await switchboard.close();
      nock.cleanAll();
    },
  };
}

describeChannelContract('slack', startHarness);
