/** `POST /webhooks/telegram`: deliveries with the right secret token, a wrong one, and none. */
import fc from 'fast-check';
import { update } from '../../adapters/telegram/telegram-kit.js';
import { TELEGRAM_SECRET } from '../fuzz-servers.js';
import { hostileBody, mutated } from '../payloads.js';
import { type FuzzRoute, headerValue, withBody } from './route.js';

const UPDATES = [
  'update_text_private',
  'update_callback_query',
  'update_contact',
  'update_document',
  'update_edited_message',
  'update_group_mention',
  'update_location',
  'update_photo',
  'update_voice',
].map(update);

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

const updates = fc.oneof(...UPDATES.map(mutated));

export const telegramRoutes: FuzzRoute[] = [
  {
    name: 'POST /webhooks/telegram (secret token)',
    server: 'main',
    weight: 3,
    requests: () =>
      hostileBody(updates).map((body) =>
        withBody('POST', '/webhooks/telegram', body, { [SECRET_HEADER]: TELEGRAM_SECRET }),
      ),
  },
  {
    name: 'POST /webhooks/telegram (no or wrong secret)',
    server: 'main',
    weight: 1,
    requests: () =>
      fc
        .tuple(hostileBody(updates), fc.option(headerValue, { nil: undefined }))
        .map(([body, secret]) =>
          withBody(
            'POST',
            '/webhooks/telegram',
            body,
            secret === undefined ? {} : { [SECRET_HEADER]: secret },
          ),
        ),
  },
];
