import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, startConversation, startWorld, type TestWorld } from './harness';

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

    const media = await fetch(attachment?.contentUrl ?? '');
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await media.arrayBuffer()).equals(PNG)).toBe(true);
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

  it('answers 404 JSON for media that does not exist', async () => {
    const res = await call(w.web.baseUrl, 'GET', '/media/AAAAAAAAAAAAAAAAAAAAAAAA.png');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
  });
});
