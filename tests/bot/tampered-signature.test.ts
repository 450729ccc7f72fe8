import { describe, expect, it } from 'vitest';
import { MediaUrlSigner } from '../../bot/media-url-signer';
import { withTamperedSignature } from '../support/tamper';

const PREFIX = 'https://bot.example/media/';
const NAME = 'AbCdEfGhIjKlMnOpQrStUvWx.png';

/** A signed URL whose signature starts with `first`, found by moving a pinned clock one second at a time. */
function signedStartingWith(first: string): { signer: MediaUrlSigner; url: URL } {
  let now = Date.parse('2026-11-25T10:00:00Z');
  const signer = new MediaUrlSigner('a-secret-of-sixteen+', PREFIX, () => now);
  for (let i = 0; i < 10_000; i++, now += 1_000) {
    const url = new URL(signer.sign(`${PREFIX}${NAME}`, 3_600));
    if (url.searchParams.get('sig')!.startsWith(first)) return { signer, url };
  }
  throw new Error(`no signature starting with ${first} in 10,000 seconds`);
}

const verifies = (signer: MediaUrlSigner, url: URL) => signer.verify(NAME, url.searchParams.get('expires')!, url.searchParams.get('sig')!);

describe('tampering with a signed media URL in tests', () => {
  it.each(['A', 'B', 'x', '-'])('changes the signature even when it starts with %s', (first) => {
    const { signer, url } = signedStartingWith(first);
    expect(verifies(signer, url)).toBe('ok');
    const tampered = new URL(withTamperedSignature(url.href));
    expect(tampered.searchParams.get('sig')).not.toBe(url.searchParams.get('sig'));
    expect(tampered.searchParams.get('expires')).toBe(url.searchParams.get('expires'));
    expect(verifies(signer, tampered)).toBe('bad');
  });

  it('shows why a fixed replacement was flaky: "sig=A" leaves a signature starting with A untouched', () => {
    const { signer, url } = signedStartingWith('A');
    const fixed = new URL(url.href.replace(/sig=./, 'sig=A')); // what tests/tickets/open311-delivery.test.ts did
    expect(verifies(signer, fixed)).toBe('ok');
  });
});
