import pino, { type Logger } from 'pino';
import { idFields, maskedIdField, maskIdsIn } from './masked-id';

export type { Logger };

/**
 * One JSON logger per process. Message bodies, phone numbers and e-mails never go to info level:
 * the redact paths below catch the fields where they could travel by accident, and conversation ids
 * that are phone numbers (WhatsApp) are masked wherever a line or a child logger names them (maskIdsIn).
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...base },
    redact: {
      paths: ['text', '*.text', 'activity.text', 'phone', '*.phone', 'email', '*.email', 'contact', '*.contact', 'token', '*.token', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
    // Lines through the formatter (nested ids too); child bindings through serializers (pino runs no
    // formatter on them).
    formatters: { log: maskIdsIn },
    serializers: Object.fromEntries(idFields().map((field) => [field, maskedIdField])),
  }, destination ?? pino.destination(1));
}
