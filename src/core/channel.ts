/**
 * The customer-facing side of a platform (DESIGN.md, "The two interfaces"). Kept small: inbound
 * messages go to the pipeline, outbound ones come back through `send`.
 */
import type { Address, InboundMessage, OutboundMessage, Platform } from './model.js';

export interface ChannelCapabilities {
  buttons: boolean;
  markdown: boolean;
  files: boolean;
  edits: boolean;
  maxTextLength: number;
}

export type Receipt =
  | { status: 'accepted'; messageId: string; conversationId: string }
  | { status: 'duplicate'; messageId: string; conversationId: string }
  /** An edit or delete, recorded on the earlier message it changes; never answered. */
  | { status: 'changed'; messageId: string; conversationId: string }
  | { status: 'ignored'; reason: 'own-message' | 'unknown-message' };

/** What a channel feeds; implemented by the pipeline. Resolves once the message is safely recorded. */
export interface InboundHandler {
  receive(message: InboundMessage): Promise<Receipt>;
}

export interface ChannelHealth {
  /** `standby`: another instance runs this platform's connection (the WeChat login); this one hands its sends over. */
  state: 'up' | 'starting' | 'down' | 'standby';
  detail?: string;
}

export interface Channel {
  readonly name: Platform;
  readonly capabilities: ChannelCapabilities;
  start(handler: InboundHandler): Promise<void>;
  /**
   * False while another instance holds the platform's connection (the WeChat login): sends are
   * then handed to that instance through the outbox (src/core/outbox.ts). Absent means always true.
   */
  sendsHere?(): boolean;
  /**
   * First step of shutdown: take no new inbound messages (stop polling, end long-lived streams).
   * Sending must keep working: the pipeline still answers what it already accepted.
   */
  stopReceiving(): Promise<void>;
  /** Last step of shutdown, after every answer was handed to `send`: deliver what is queued, then disconnect. */
  stop(): Promise<void>;
  /**
   * Hands a message over for delivery. Resolves once it is queued in order behind the chat's
   * earlier messages; rate limits and retries happen after, and a final failure is recorded on the
   * stored message (see OutboundChain). Rejects only for a message that can never be delivered.
   */
  send(address: Address, message: OutboundMessage): Promise<void>;
  health(): ChannelHealth;
  /**
   * Details only admins may see (GET /admin/api/channels), e.g. the WeChat login QR code: /readyz
   * is public, so nothing that lets someone act as the bot goes in `health()`.
   */
  adminDetails?(): Record<string, unknown>;
}
