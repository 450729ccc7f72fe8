import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MediaUrlSigner } from '../../bot/media-url-signer';
import { startTestApp } from '../e2e/support';
import { withTamperedSignature } from '../support/tamper';

const PREFIX = 'https://bot.example/media/';
const NAME = 'AbCdEfGhIjKlMnOpQrStUvWx.png';

/** A signed URL whose signature starts with `first`, found by moving a pinned clock one second at a time. */
function signedStartingWith(first: string, prefix = PREFIX, secret = 'a-secret-of-sixteen+', from = Date.parse('2026-11-25T10:00:00Z')): { signer: MediaUrlSigner; url: URL } {
  let now = from;
  const signer = new MediaUrlSigner(secret, prefix, () => now);
  for (let i = 0; i < 10_000; i++, now += 1_000) {
    const url = new URL(signer.sign(`${prefix}${NAME}`, 3_600));
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

describe('the photo assertion of tests/tickets/open311-delivery, with a signature that starts with A', () => {
  it('is refused by the real media endpoint only when tampered by withTamperedSignature', async () => {
    const secret = 'media-secret-for-this-test-0123';
    const bot = await startTestApp({ MEDIA_URL_SECRET: secret });
    try {
      await mkdir(path.join(bot.dataDir, 'uploads'), { recursive: true });
      await writeFile(path.join(bot.dataDir, 'uploads', NAME), Buffer.from('89504e470d0a1a0a', 'hex'));
      // Signed as the bot signs (same secret and URL), at a moment whose signature starts with A.
      const { url } = signedStartingWith('A', `${bot.url}/media/`, secret, Date.now());
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(url.href.replace(/sig=./, 'sig=A'))).status).toBe(200); // the old assertion's 403 fails here
      expect((await fetch(withTamperedSignature(url.href))).status).toBe(403);
    } finally {
      await bot.stop();
    }
  });
});
