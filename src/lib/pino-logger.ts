/**
 * The Logger on pino: JSON lines (one object a line: `level` as text, `time` as ISO 8601, `msg`),
 * or pino-pretty's coloured lines for a terminal. Lines go to stderr, synchronously, so the
 * ready line stays the first line on stdout and nothing is lost when the process exits on a
 * fatal error. Fields that name a secret are redacted wherever a caller puts one by mistake.
 */
import { pino, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import type { LogFields, Logger, LogLevel } from './logger.ts';

export type LogFormat = 'json' | 'pretty';

const SECRET_KEYS = ['password', 'newPassword', 'token', 'accessToken', 'access_token', 'authorization', 'secret', 'clientSecret', 'privateKey'];

export function pinoLogger(options: { level: LogLevel; format: LogFormat; destination?: DestinationStream }): Logger {
  const destination = options.destination ?? (options.format === 'pretty'
    ? pretty({ destination: 2, sync: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l o', ignore: 'pid,hostname' })
    : pino.destination({ dest: 2, sync: true }));
  const base = pino({
    level: options.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' },
  }, destination);
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (fields === undefined) base[level](message);
    else base[level](fields, message);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), enabled: (level) => base.isLevelEnabled(level) };
}
