import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encryptedStream, type MediaType } from '@whiskeysockets/baileys';

/** What a media message carries so that Baileys' `downloadMediaMessage` can fetch and decrypt it. */
export interface HostedMedia {
  url: string;
  mediaKey: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
  fileLength: number;
}

/**
 * WhatsApp's media CDN in miniature: files encrypted by Baileys' own `encryptedStream`, served over
 * HTTP, so the channel's real download-and-decrypt path runs in tests.
 */
export async function startMediaServer(): Promise<{ host(data: Buffer, type: MediaType): Promise<HostedMedia>; close(): Promise<void> }> {
  const files = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async host(data, type) {
      const enc = await encryptedStream(data, type);
      const path = `/v/t62/${randomBytes(8).toString('hex')}.enc`;
      files.set(path, await readFile(enc.encFilePath));
      await rm(enc.encFilePath, { force: true });
      return { url: `${base}${path}`, mediaKey: enc.mediaKey, fileSha256: enc.fileSha256, fileEncSha256: enc.fileEncSha256, fileLength: enc.fileLength };
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Bytes the media store recognises: a PNG signature, an Ogg page header. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
export const OGG = Buffer.concat([Buffer.from('OggS'), randomBytes(300)]);
