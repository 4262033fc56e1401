/**
 * The web chat channel: the page at `/`, its HTTP API under `/webchat/` and a live stream of
 * replies (docs/webchat.md). Needs no credentials, so a fresh install can talk to the bot at once.
 */
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import type { Channel, ChannelCapabilities, ChannelHealth, InboundHandler } from '../../core/channel.js';
import { type Clock, isoNow } from '../../core/clock.js';
import { NotFoundError, UnsupportedMediaTypeError } from '../../core/errors.js';
import {
  type Address,
  type Conversation,
  encodePlatformId,
  type Message,
  newId,
  type OutboundMessage,
} from '../../core/model.js';
import type { ConversationStore } from '../../core/store/conversation-store.js';
import type { KeyValueStore } from '../../core/store/key-value.js';
import { parseMessage, parseNewSession, parseSessionId } from './parse.js';
import { renderConversation, renderMessage, renderOutbound } from './render.js';
import { type StreamEvent, StreamHub } from './stream.js';

const STREAM_TOPIC = 'webchat-stream';

export const WEBCHAT_PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export interface WebchatOptions {
  conversations: ConversationStore;
  /** Carries stream events between instances sharing the store (KeyValueStore.publish). */
  kv: KeyValueStore;
  clock: Clock;
  maxTextLength: number;
}

export class WebchatChannel implements Channel {
  readonly name = 'webchat' as const;
  readonly capabilities: ChannelCapabilities;
  readonly #options: WebchatOptions;
  readonly #hub = new StreamHub();
  #handler: InboundHandler | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(options: WebchatOptions) {
    this.#options = options;
    this.capabilities = {
      buttons: true,
      markdown: false,
      files: false,
      edits: false,
      maxTextLength: options.maxTextLength,
    };
  }

  async start(handler: InboundHandler): Promise<void> {
    this.#handler = handler;
    const { events } = this.#options.conversations;
    // Customer messages are echoed so every open tab of the session shows them; bot and agent
    // messages reach the page through `send`, status changes through this listener.
    const onMessage = (message: Message, conversation: { address: Address }) => {
      if (message.role === 'customer' && conversation.address.channel === 'webchat') {
        void this.#publish(conversation.address.chatId, {
          event: 'message',
          id: message.id,
          data: renderMessage(message),
        });
      }
    };
    const onStatus = (conversation: Parameters<typeof renderConversation>[0]) => {
      if (conversation.address.channel === 'webchat') {
        void this.#publish(conversation.address.chatId, {
          event: 'conversation',
          data: renderConversation(conversation),
        });
      }
    };
    events.on('message', onMessage);
    events.on('status', onStatus);
    // A page's stream may be open on another instance than the one that recorded the message:
    // every instance publishes what it records, and every instance passes it to its own streams.
    const unsubscribe = await this.#options.kv.subscribe(STREAM_TOPIC, (notice) => {
      const { sessionId, event } = notice as { sessionId: string; event: StreamEvent };
      this.#hub.publish(sessionId, event);
    });
    this.#unsubscribe = async () => {
      events.off('message', onMessage);
      events.off('status', onStatus);
      await unsubscribe();
    };
  }

  /** Best-effort, like the stream itself: a page that misses an event reads it from history. */
  #publish(sessionId: string, event: StreamEvent): Promise<void> {
    return this.#options.kv.publish(STREAM_TOPIC, { sessionId, event }).catch(() => {});
  }

  /** Open pages get no more events; their streams end so the HTTP server can close. */
  async stopReceiving(): Promise<void> {
    await this.#unsubscribe?.();
    this.#hub.closeAll();
  }

  /** Nothing is queued: a page that missed a message reads it from history on its next load. */
  async stop(): Promise<void> {}

  async send(address: Address, message: OutboundMessage): Promise<void> {
    // Delivery is the recorded message; an open page gets it now, a closed one on its next load.
    await this.#publish(address.chatId, {
      event: 'message',
      id: message.id,
      data: renderOutbound(message, isoNow(this.#options.clock)),
    });
  }

  health(): ChannelHealth {
    return { state: this.#handler ? 'up' : 'starting', detail: `${this.#hub.connections} open stream(s)` };
  }

  /** Routes under `/webchat`, plus the page itself. */
  router(): Router {
    const router = express.Router();
    const json = express.json({ limit: '64kb' });
    router.post('/webchat/sessions', requireJson({ allowEmpty: true }), json, (req, res) =>
      this.#createSession(req, res),
    );
    router.get('/webchat/sessions/:sessionId', (req, res) => this.#getSession(req, res));
    router.get('/webchat/sessions/:sessionId/stream', (req, res) => this.#stream(req, res));
    router.post('/webchat/messages', requireJson({ allowEmpty: false }), json, (req, res) =>
      this.#postMessage(req, res),
    );
    router.use('/webchat', express.static(WEBCHAT_PUBLIC_DIR, { index: 'index.html', maxAge: '5m' }));
    router.get('/', (_req, res) => res.sendFile('index.html', { root: WEBCHAT_PUBLIC_DIR }));
    return router;
  }

  async #createSession(req: Request, res: Response): Promise<void> {
    const { locale } = parseNewSession(req.body);
    const sessionId = newId('session');
    await this.#options.conversations.createCustomer(
      encodePlatformId('webchat', sessionId),
      locale ? { locale } : {},
    );
    res.status(201).json({ sessionId, conversation: null });
  }

  async #getSession(req: Request, res: Response): Promise<void> {
    const sessionId = await this.#knownSession(req.params.sessionId);
    const conversation = await this.#options.conversations.findOpenConversation(sessionAddress(sessionId));
    const messages = conversation ? await this.#customerTranscript(conversation) : [];
    res.json({
      sessionId,
      conversation: conversation ? renderConversation(conversation) : null,
      messages: messages.map(renderMessage),
    });
  }

  async #postMessage(req: Request, res: Response): Promise<void> {
    if (!this.#handler) throw new Error('web chat channel is not started');
    const inbound = parseMessage(req.body, {
      maxTextLength: this.#options.maxTextLength,
      now: isoNow(this.#options.clock),
    });
    await this.#knownSession(inbound.address.chatId);
    const receipt = await this.#handler.receive(inbound);
    if (receipt.status === 'ignored') throw new Error('web chat messages are never the bot’s own');
    res.status(receipt.status === 'duplicate' ? 200 : 202).json({
      messageId: receipt.messageId,
      conversationId: receipt.conversationId,
      duplicate: receipt.status === 'duplicate',
    });
  }

  async #stream(req: Request, res: Response): Promise<void> {
    let gone = false;
    res.once('close', () => {
      gone = true;
    });
    const sessionId = await this.#knownSession(req.params.sessionId);
    // A client that left while the session was checked must not be subscribed: its 'close' is past.
    if (gone) return;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx would otherwise buffer the stream
    });
    res.write('retry: 2000\n\n');
    const subscriber = this.#hub.subscribe(sessionId, res);
    const after =
      req.get('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
    subscriber.finishReplay(after ? await this.#missedSince(sessionId, after) : []);
  }

  /** What the customer may see of their conversation: everything but agents' internal notes. */
  async #customerTranscript(conversation: Conversation): Promise<Message[]> {
    const messages = await this.#options.conversations.listMessages(conversation);
    return messages.filter((message) => !message.internal);
  }

  /** Messages after `afterId` in the session's conversation; all of them if the id is from an older one. */
  async #missedSince(sessionId: string, afterId: string): Promise<StreamEvent[]> {
    const conversation = await this.#options.conversations.findOpenConversation(sessionAddress(sessionId));
    if (!conversation) return [];
    const messages = await this.#customerTranscript(conversation);
    const index = messages.findIndex((message) => message.id === afterId);
    return messages
      .slice(index + 1)
      .map((message) => ({ event: 'message' as const, id: message.id, data: renderMessage(message) }));
  }

  async #knownSession(value: unknown): Promise<string> {
    const sessionId = parseSessionId(value);
    const customer = await this.#options.conversations.findCustomerByIdentity(
      encodePlatformId('webchat', sessionId),
    );
    if (!customer)
      throw new NotFoundError('session_not_found', 'no such session: create one with POST /webchat/sessions');
    return sessionId;
  }
}

function sessionAddress(sessionId: string): Address {
  return { channel: 'webchat', chatId: sessionId, userId: sessionId };
}

/** 415 unless the body is JSON; an empty body may be allowed (POST /webchat/sessions takes optional options). */
function requireJson(options: { allowEmpty: boolean }) {
  return (req: Request, _res: Response, next: (error?: unknown) => void) => {
    const empty = Number(req.get('content-length') ?? 0) === 0 && !req.get('transfer-encoding');
    if ((options.allowEmpty && empty) || req.is('application/json')) return next();
    next(new UnsupportedMediaTypeError());
  };
}
