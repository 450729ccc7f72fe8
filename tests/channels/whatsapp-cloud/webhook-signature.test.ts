import { describe, expect, it } from 'vitest';
import { isValidSignature, signatureOf } from '../../../channels/whatsapp-cloud/webhook-signature';

describe('X-Hub-Signature-256', () => {
  const raw = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

  it('accepts the HMAC-SHA256 of the exact raw bytes with the app secret', () => {
    expect(isValidSignature(signatureOf(raw, 'secret'), raw, 'secret')).toBe(true);
    // Meta sends lower-case hex; upper case is the same digest.
    expect(isValidSignature(signatureOf(raw, 'secret').toUpperCase().replace('SHA256', 'sha256'), raw, 'secret')).toBe(true);
  });

  it('refuses another secret, other bytes, other algorithms and garbage', () => {
    expect(isValidSignature(signatureOf(raw, 'other'), raw, 'secret')).toBe(false);
    // Re-serialised JSON (a space) is not what was signed.
    expect(isValidSignature(signatureOf(raw, 'secret'), Buffer.from('{"object": "whatsapp_business_account","entry":[]}'), 'secret')).toBe(false);
    expect(isValidSignature(signatureOf(raw, 'secret').replace('sha256=', 'sha1='), raw, 'secret')).toBe(false);
    expect(isValidSignature(signatureOf(raw, 'secret').slice(0, -2), raw, 'secret')).toBe(false);
    expect(isValidSignature(undefined, raw, 'secret')).toBe(false);
    expect(isValidSignature('sha256=zz', raw, 'secret')).toBe(false);
  });
});
