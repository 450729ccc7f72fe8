import { describe, expect, it } from 'vitest';
import { PrivacySchema } from '../../catalog/schema';

/* The catalog's privacy settings: retention periods (with the audit log's) and the privacy notice. */

const notice = (url = 'https://ciudad.example/privacidad') => ({
  es: { text: 'Aviso de privacidad.', url }, ca: { text: 'Avís de privacitat.', url }, en: { text: 'Privacy notice.', url },
});

describe('privacy in the catalog', () => {
  it('keeps the audit log two years unless the city says otherwise, and sends no notice by default', () => {
    const p = PrivacySchema.parse({ retention: {} });
    expect(p.retention.auditDays).toBe(730);
    expect(p.notice).toBeUndefined();
    expect(PrivacySchema.parse({ retention: { auditDays: 3650 } }).retention.auditDays).toBe(3650);
  });

  it('takes a notice with a text and an http(s) link in every language, and refuses one short of a language or with another kind of link', () => {
    expect(PrivacySchema.parse({ notice: notice() }).notice?.ca.text).toBe('Avís de privacitat.');
    const { ca: _ca, ...noCatalan } = notice();
    expect(PrivacySchema.safeParse({ notice: noCatalan }).success).toBe(false);
    expect(PrivacySchema.safeParse({ notice: notice('javascript:alert(1)') }).success).toBe(false);
    expect(PrivacySchema.safeParse({ notice: { ...notice(), es: { text: ' ', url: 'https://x.example' } } }).success).toBe(false);
  });
});
