import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** HKDF `info` of the sealing key: its own, so it never equals the HMAC key of the identifier's hash. */
const INFO = 'citybot/verified-identifier/aes-256-gcm/v1';
const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * The verified identifier encrypted for the records look-ups (issue 16 part 3): the city's records API is
 * keyed by the raw identifier (e.g. the national ID number), which the sign-in otherwise keeps only as a
 * keyed hash. AES-256-GCM under a key derived (HKDF-SHA256) from OIDC_IDENTIFIER_SECRET, so a copy of the
 * database alone reveals nothing. The identifier's hash is the additional authenticated data: a sealed
 * value opens only on the row it was written for.
 *
 * @example
 * const seal = new IdentifierSeal(config.OIDC_IDENTIFIER_SECRET);
 * const sealed = seal.seal('12345678Z', hash); // 'v1.<iv>.<ciphertext>.<tag>'
 * seal.open(sealed, hash); // '12345678Z'; undefined under another key or on another row
 */
export class IdentifierSeal {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), INFO, 32));
  }

  seal(identifier: string, identifierHash: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(identifierHash));
    const body = Buffer.concat([cipher.update(identifier, 'utf8'), cipher.final()]);
    return [VERSION, iv, body, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** The identifier, or undefined when `sealed` was not made by this key for this hash (a rotated secret, a moved value). */
  open(sealed: string, identifierHash: string): string | undefined {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(identifierHash));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
