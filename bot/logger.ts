import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One JSON logger per process. Message bodies, phone numbers and e-mails never go to info level:
 * the redact paths below catch the fields where they could travel by accident.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...base },
    redact: {
      paths: ['text', '*.text', 'activity.text', 'phone', '*.phone', 'email', '*.email', 'contact', '*.contact', 'token', '*.token', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  }, destination ?? pino.destination(1));
}
