/**
 * Where the WeChat login stands, from wechaty's scan / login / logout / error events: the channel's
 * health, and the latest login QR code for admins. The QR code lets whoever scans it put their
 * account behind the bot, so it never goes into health() (GET /readyz is public).
 */
import type { ChannelHealth } from '../../core/channel.js';
import { type Clock, isoNow } from '../../core/clock.js';

/** wechaty-puppet `types.ScanStatus` (src/schemas/event.ts). */
const SCAN_STATUS = ['unknown', 'cancel', 'waiting', 'scanned', 'confirmed', 'timeout'] as const;

export interface LoginQr {
  /** The text the QR code encodes. */
  qrcode: string;
  /** An image of it: https://wechaty.js.org/qrcode/<qrcode> renders the code. */
  imageUrl: string;
  status: (typeof SCAN_STATUS)[number];
  at: string;
}

export class LoginState {
  readonly #clock: Clock;
  #health: ChannelHealth = { state: 'starting', detail: 'starting the WeChat puppet' };
  #qr: LoginQr | undefined;
  #user: string | undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  scan(qrcode: string, status: number, imageUrl: string): LoginQr {
    const name = SCAN_STATUS[status] ?? 'unknown';
    // Some puppets report "scanned" and "confirmed" without a code: the last one stays valid.
    this.#qr = {
      qrcode: qrcode || (this.#qr?.qrcode ?? ''),
      imageUrl,
      status: name,
      at: isoNow(this.#clock),
    };
    this.#health = {
      state: 'starting',
      detail: `waiting for the login QR code to be scanned (${name}); admins see it in GET /admin/api/channels`,
    };
    return this.#qr;
  }

  login(userName: string): void {
    this.#user = userName;
    this.#qr = undefined;
    this.#health = { state: 'up', detail: `logged in as ${userName}` };
  }

  logout(reason: string | undefined): void {
    this.#user = undefined;
    this.#health = { state: 'down', detail: `logged out${reason ? `: ${reason}` : ''}; scan a new QR code` };
  }

  /** Before login an error means the login cannot happen; after it, one failed call is not an outage. */
  error(message: string): void {
    this.#health = this.#user
      ? { state: 'up', detail: `logged in as ${this.#user}; last error: ${message}` }
      : { state: 'down', detail: message };
  }

  /** Another instance holds the WeChat login; this one waits to take over if that one dies. */
  standby(): void {
    this.#user = undefined;
    this.#qr = undefined;
    this.#health = {
      state: 'standby',
      detail:
        'another instance holds the WeChat login; this one hands its sends over and takes over if it stops',
    };
  }

  stopped(): void {
    this.#user = undefined;
    this.#qr = undefined;
    this.#health = { state: 'down', detail: 'stopped' };
  }

  get loggedIn(): boolean {
    return this.#user !== undefined;
  }

  health(): ChannelHealth {
    return this.#health;
  }

  loginQr(): LoginQr | undefined {
    return this.#qr;
  }
}
