import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUpload } from '../../../channels/webchat/uploads';
import { call, startConversation, startWorld, waitFor, type TestWorld } from './harness';

/** A valid 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let w: TestWorld;
beforeEach(async () => {
  w = await startWorld();
});
afterEach(async () => {
  await w.cleanup();
});

/** Posts a multipart upload the way directlinejs builds it: an `activity` Blob plus one `file` part per attachment. */
async function upload(conversationId: string, token: string, files: { data: Buffer; type: string; name: string }[], activity?: unknown) {
  const form = new FormData();
  if (activity !== undefined) form.append('activity', new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }));
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.data)], { type: f.type }), f.name);
  const res = await fetch(`${w.web.baseUrl}/v3/directline/conversations/${conversationId}/upload?userId=citizen`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as { id?: string; error?: { code: string } } };
}

describe('Direct Line uploads', () => {
  it('stores an uploaded PNG and ingests a message whose attachment URL serves the same bytes', async () => {
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const res = await upload(conversationId, token, [{ data: PNG, type: 'image/png', name: 'bache.png' }], {
      type: 'message',
      text: 'look',
      from: { id: 'citizen' },
      attachments: [{ contentType: 'image/png', name: 'bache.png' }],
    });
    expect(res.status).toBe(200);

    const ingested = w.bot.ingested.find((a) => a.id === res.body.id);
    expect(ingested?.text).toBe('look');
    const attachment = ingested?.attachments?.[0];
    expect(attachment).toMatchObject({ contentType: 'image/png', name: 'bache.png' });
    expect(attachment?.contentUrl).toMatch(new RegExp(`^${w.web.baseUrl}/media/[A-Za-z0-9_-]{24}\\.png$`));

    // The bot's URL opens for the conversation's token only (or with a signature: tests/bot/media-access.test.ts).
    expect((await fetch(attachment?.contentUrl ?? '')).status).toBe(403);
    const media = await fetch(attachment?.contentUrl ?? '', { headers: { authorization: `Bearer ${token}` } });
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await media.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it("keeps Web Chat's inline thumbnail on the citizen's echo (so Web Chat shows the photo, not a file card), never on the bot's copy", async () => {
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    // What Web Chat sends: a downscaled copy of the photo as a data: URL, one per attachment, beside the file part.
    const thumbnailUrl = `data:image/jpeg;base64,${PNG.toString('base64')}`;
    const res = await upload(conversationId, token, [{ data: PNG, type: 'image/png', name: 'bache.png' }, { data: PNG, type: 'image/png', name: 'farola.png' }], {
      type: 'message',
      from: { id: 'citizen' },
      attachments: [
        { contentType: 'image/png', name: 'bache.png', thumbnailUrl },
        // A thumbnail elsewhere would make the client fetch it: dropped.
        { contentType: 'image/png', name: 'farola.png', thumbnailUrl: 'https://tracker.example/pixel.png' },
      ],
    });
    expect(res.status).toBe(200);

    const history = await call(w.web.baseUrl, 'GET', `/v3/directline/conversations/${conversationId}/activities`, { token });
    expect(history.status).toBe(200);
    const echo = (history.body.activities as { id: string; attachments?: { name?: string; contentUrl?: string; thumbnailUrl?: string }[] }[]).find((a) => a.id === res.body.id);
    expect(echo?.attachments?.map((a) => a.name)).toEqual(['bache.png', 'farola.png']);
    expect(echo?.attachments?.[0]?.thumbnailUrl).toBe(thumbnailUrl);
    expect(echo?.attachments?.[0]?.contentUrl).toMatch(/\/media\/signed\//);
    expect(echo?.attachments?.[1]).not.toHaveProperty('thumbnailUrl');

    const ingested = w.bot.ingested.find((a) => a.id === res.body.id);
    expect(ingested?.attachments?.map((a) => a.name)).toEqual(['bache.png', 'farola.png']);
    for (const a of ingested?.attachments ?? []) expect(a).not.toHaveProperty('thumbnailUrl');
  });

  it('refuses a file that is not an image, whatever type it claims, with 415', async () => {
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const before = w.bot.ingested.length;
    const res = await upload(conversationId, token, [{ data: Buffer.from('<svg onload="alert(1)"/>'), type: 'image/png', name: 'x.png' }]);
    expect(res.status).toBe(415);
    expect(res.body.error?.code).toBe('UnsupportedMediaType');
    expect(w.bot.ingested.length).toBe(before);
  });

  it('refuses an image over 5 MB with 413', async () => {
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await upload(conversationId, token, [{ data: big, type: 'image/png', name: 'big.png' }]);
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('MessageSizeTooBig');
  });

  it('answers 403 JSON for media that does not exist, as for media of another conversation, and 404 for a name that is none', async () => {
    const { token } = await startConversation(w.web.baseUrl);
    const res = await call(w.web.baseUrl, 'GET', '/media/AAAAAAAAAAAAAAAAAAAAAAAA.png', { token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('Forbidden');
    const none = await call(w.web.baseUrl, 'GET', '/media/not-a-media-name.png', { token });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NotFound');
  });
});

/** A multipart body written by hand, so a test can cut it anywhere. */
const BOUNDARY = 'citybot-test-boundary';
function multipart(parts: { name: string; filename?: string; type?: string; data: Buffer | string }[], closed = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(p.data), Buffer.from('\r\n'));
  }
  if (closed) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** Posts `body` as a complete HTTP request (Content-Length matches), whatever multipart says. */
async function rawUpload(conversationId: string, token: string, body: Buffer) {
  const res = await fetch(`${w.web.baseUrl}/v3/directline/conversations/${conversationId}/upload?userId=citizen`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as { id?: string; error?: { code: string; message: string } } };
}

const ACTIVITY = JSON.stringify({ type: 'message', text: 'look', from: { id: 'citizen' }, attachments: [{ contentType: 'image/png', name: 'a.png' }] });

/** Media files stored (a refused upload must leave none); side files such as owner records are not counted. */
async function storedMedia(): Promise<string[]> {
  const names = await readdir(path.join(w.config.DATA_DIR, 'uploads')).catch(() => []);
  return names.filter((n) => /^[A-Za-z0-9_-]{24}\.[a-z]+$/.test(n));
}

describe('Direct Line uploads that end early', () => {
  const cuts: { what: string; body: () => Buffer }[] = [
    {
      what: 'inside a file part',
      body: () => {
        const whole = multipart([{ name: 'activity', filename: 'blob', type: 'application/vnd.microsoft.activity', data: ACTIVITY }, { name: 'file', filename: 'a.png', type: 'image/png', data: PNG }], false);
        return whole.subarray(0, whole.length - 20);
      },
    },
    {
      what: 'inside the activity part (sent as a Blob, as directlinejs does)',
      body: () => multipart([{ name: 'file', filename: 'a.png', type: 'image/png', data: PNG }, { name: 'activity', filename: 'blob', type: 'application/vnd.microsoft.activity', data: ACTIVITY.slice(0, 20) }], false).subarray(0, -2),
    },
    {
      what: 'inside the activity part (sent as a plain field)',
      body: () => multipart([{ name: 'file', filename: 'a.png', type: 'image/png', data: PNG }, { name: 'activity', data: ACTIVITY.slice(0, 20) }], false).subarray(0, -2),
    },
    {
      what: 'inside a part header',
      body: () => Buffer.concat([multipart([{ name: 'file', filename: 'a.png', type: 'image/png', data: PNG }], false), Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-da`)]),
    },
  ];

  for (const cut of cuts) {
    it(`answers 400 BadArgument to a body that ends ${cut.what}, keeps nothing, and goes on serving`, async () => {
      const { conversationId, token } = await startConversation(w.web.baseUrl);
      const res = await rawUpload(conversationId, token, cut.body());
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('BadArgument');
      expect(res.body.error?.message).toMatch(/ended before/);
      expect(w.bot.ingested.filter((a) => a.type === 'message')).toEqual([]);
      expect(await storedMedia()).toEqual([]);

      // The same process answers the next upload.
      const next = await upload(conversationId, token, [{ data: PNG, type: 'image/png', name: 'a.png' }], JSON.parse(ACTIVITY));
      expect(next.status).toBe(200);
      expect(w.bot.ingested.filter((a) => a.type === 'message')).toHaveLength(1);
    });
  }

  it('forgets an upload whose client goes away mid-body: no message, no media, and the next request is answered', async () => {
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const body = multipart([{ name: 'activity', filename: 'blob', type: 'application/vnd.microsoft.activity', data: ACTIVITY }, { name: 'file', filename: 'a.png', type: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(256 * 1024)]) }]);
    const { port } = new URL(w.web.baseUrl);
    const req = http.request({
      host: '127.0.0.1', port: Number(port), method: 'POST', path: `/v3/directline/conversations/${conversationId}/upload?userId=citizen`,
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(body.length) },
    });
    const gone = new Promise<void>((resolve) => req.once('error', () => resolve()).once('close', () => resolve()));
    req.write(body.subarray(0, body.length / 2));
    // Let the server read the first half (headers, activity, part of the file), then vanish.
    await new Promise((r) => setTimeout(r, 200));
    req.destroy();
    await gone;

    const next = await upload(conversationId, token, [{ data: PNG, type: 'image/png', name: 'b.png' }], JSON.parse(ACTIVITY));
    expect(next.status).toBe(200);
    const messages = w.bot.ingested.filter((a) => a.type === 'message');
    expect(messages.map((a) => a.id)).toEqual([next.body.id]);
    expect(await storedMedia()).toHaveLength(1);
  });
});

describe('parseUpload', () => {
  /** A server whose only route is parseUpload; each request's outcome lands in `outcomes`. */
  async function parsingServer() {
    const outcomes: Array<{ ok: boolean; error?: unknown }> = [];
    const server = http.createServer((req, res) => {
      parseUpload(req).then(
        () => outcomes.push({ ok: true }),
        (error: unknown) => outcomes.push({ ok: false, error }),
      ).finally(() => res.destroyed || res.end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { outcomes, server, port: (server.address() as AddressInfo).port };
  }

  it('settles with a 400 when the client aborts mid-body, instead of waiting forever for the rest', async () => {
    const { outcomes, server, port } = await parsingServer();
    try {
      const body = multipart([{ name: 'file', filename: 'a.png', type: 'image/png', data: Buffer.alloc(128 * 1024) }]);
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(body.length) } });
      req.on('error', () => undefined); // the abort is ours
      req.write(body.subarray(0, 64 * 1024));
      await new Promise((r) => setTimeout(r, 200));
      req.destroy();
      const outcome = await waitFor(() => outcomes[0], 'parseUpload to settle', 5_000);
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatchObject({ status: 400, code: 'BadArgument' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
