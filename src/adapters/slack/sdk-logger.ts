/** The Slack SDKs log through their own Logger interface; this routes them into ours (pino). */
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';

const LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
};

export function slackLogger(logger: Logger): SlackLogger {
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      logger[level](
        { sdk: 'slack' },
        msg.map((part) => (typeof part === 'string' ? part : String(part))).join(' '),
      );
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    // Our logger's level is set once from LOG_LEVEL; the SDKs only read it (e.g. to skip debug work).
    setLevel: () => {},
    getLevel: () => LEVELS[logger.level] ?? LogLevel.ERROR,
    setName: () => {},
  };
}
