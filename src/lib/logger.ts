/**
 * The server's logger, as every module sees it: injected (ServerDeps.log), never a global. A
 * line is a message and a few fields; an error goes in `err`. The pino implementation is
 * pino-logger.ts; tests record lines with `recordingLogger`.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether lines of `level` are written (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
}

export interface LogLine {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

/** Keeps every line in memory, at every level (tests). */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLevel) => (message: string, fields: LogFields = {}) => void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), enabled: () => true };
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, enabled: () => false };

/**
 * A logger that writes at most `linesPerSecond` lines a second (for lines a hostile client or a
 * failing disk can cause at any rate); the next line written counts the ones left out.
 */
export function throttledLogger(log: Logger, linesPerSecond: number, now: () => number): Logger {
  let second = -1;
  let lines = 0;
  let suppressed = 0;
  const at = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    const current = Math.floor(now() / 1000);
    if (current !== second) {
      second = current;
      lines = 0;
    }
    if (lines >= linesPerSecond) {
      suppressed++;
      return;
    }
    lines++;
    log[level](message, suppressed === 0 ? fields : { ...fields, linesLeftOut: suppressed });
    suppressed = 0;
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), enabled: (level) => log.enabled(level) };
}

/** Pushes each line's message, at any level (tests). */
export function linesLogger(lines: string[]): Logger {
  const push = (message: string) => void lines.push(message);
  return { debug: push, info: push, warn: push, error: push, enabled: () => true };
}

/** Pushes the `err` field of each line that has one (tests). */
export function errorsLogger(errors: unknown[]): Logger {
  const push = (_message: string, fields?: LogFields) => void (fields !== undefined && 'err' in fields && errors.push(fields['err']));
  return { debug: push, info: push, warn: push, error: push, enabled: () => true };
}

/** Throws on any line (tests: code that must log nothing). */
export function failingLogger(why: string): Logger {
  const fail = (message: string) => {
    throw new Error(`${why}: logged '${message}'`);
  };
  return { debug: fail, info: fail, warn: fail, error: fail, enabled: () => true };
}
