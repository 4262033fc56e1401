/**
 * Whether Slack still accepts the bot token. A revoked token (the app was uninstalled, the token
 * rotated) makes every call fail with an auth error; the channel and the desk then report
 * themselves down, so /readyz, /admin/ and the channel-down alert say why nothing goes through.
 */
import { WebAPIPlatformError } from '@slack/web-api';

/** Slack's answers that mean the token itself is refused (docs.slack.dev/reference/methods, "Errors"). */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
]);

export class TokenHealth {
  #refused: string | undefined;

  /** A call succeeded: the token works. */
  accepted(): void {
    this.#refused = undefined;
  }

  /** A call failed: remembered when the failure is the token's. */
  failed(error: unknown): void {
    if (error instanceof WebAPIPlatformError && AUTH_ERRORS.has(error.data.error))
      this.#refused = error.data.error;
  }

  /** Why the token is refused, for health(); undefined while it works. */
  problem(): string | undefined {
    return this.#refused
      ? `Slack refused the bot token (${this.#refused}): reinstall the app or set a new SLACK_BOT_TOKEN`
      : undefined;
  }
}
