import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsupportedMediaError } from '../../bot/errors';
import { MediaStore, sniffMedia } from '../../bot/media-store';

/*
 * PDF documents (issue 15 part 1: agents send files): kept only when the caller asks (an agent's file for
 * a citizen), never from a citizen's upload, and always served as a download, never shown by the browser.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'media-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('PDF documents in the media store', () => {
  it('are known by their bytes, refused unless documents are asked for, and downloaded with their type', async () => {
    expect(sniffMedia(PDF)?.contentType).toBe('application/pdf');
    const store = new MediaStore(dir, 'http://bot.test');
    await expect(store.save({ filename: 'a.pdf', data: PDF })).rejects.toBeInstanceOf(UnsupportedMediaError);
    await expect(store.save({ filename: 'a.pdf', data: PDF }, { imagesOnly: true, documents: true })).rejects.toBeInstanceOf(UnsupportedMediaError);
    expect(readdirSync(dir)).toEqual([]);

    const stored = await store.save({ filename: 'permiso.pdf', data: PDF }, { documents: true });
    expect(stored).toMatchObject({ name: 'permiso.pdf', contentType: 'application/pdf' });
    expect(stored.contentUrl).toMatch(/\.pdf$/);

    const app = express().use('/media', store.handler({ ownerOf: async () => undefined }));
    const server = app.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const signed = store.signedUrl(stored.contentUrl, 60).replace('http://bot.test', `http://127.0.0.1:${port}`);
      const res = await fetch(signed);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    } finally {
      server.close();
    }
  });
});
