import type { Attachment } from 'botbuilder';
import type { MediaStore } from '../../bot/media-store';
import type { GraphClient } from './graph-client';
import type { MediaRef } from './to-activity';

/**
 * Downloads a file a citizen sent (`GET /{media-id}` for a short-lived URL, then the bytes, both with
 * the bearer token) and keeps it in the MediaStore, which checks the bytes are an image or a voice
 * note. Resolves with the attachment the activity carries: our own URL, not Meta's, which expires.
 * A URL outside Graph's and Meta's CDN hosts is refused (UntrustedMediaUrlError, see GraphClient.download):
 * the held-message drainer logs it and ingests the message without the file.
 */
export async function fetchMedia(graph: GraphClient, store: MediaStore, ref: MediaRef, filename: string): Promise<Attachment> {
  const info = await graph.mediaInfo(ref.id);
  const data = await graph.download(info.url);
  const stored = await store.save({ filename, data });
  return { contentType: stored.contentType, contentUrl: stored.contentUrl, name: stored.name };
}
