/** Extensions of the media types the store keeps (see sniffMedia in media-store; pdf: agents' documents; json, txt and ics: files the bot writes itself). */
export const MEDIA_EXTENSIONS = ['jpg', 'png', 'gif', 'webp', 'ogg', 'mp3', 'm4a', 'amr', 'pdf', 'json', 'txt', 'ics'] as const;
export type MediaExtension = (typeof MEDIA_EXTENSIONS)[number];

/** A stored medium's name: 144 random bits in base64url, then the extension of its sniffed type. */
export const MEDIA_NAME = new RegExp(`^[A-Za-z0-9_-]{24}\\.(${MEDIA_EXTENSIONS.join('|')})$`);

/**
 * The name of the medium `url` points to, when it is exactly one of our media URLs
 * (`<prefix><name>`, `prefix` being `<PUBLIC_URL>/media/`); `undefined` for anything else.
 *
 * Read this before changing: a prefix test on the raw string accepted `<prefix>../../console/api/me`,
 * which clients and back offices resolve to another path of our origin. So the URL is parsed (which
 * resolves `..`, `%2e%2e` and `\`), must keep our origin and end directly under the media path with a
 * well-formed name, and the raw text may hold no `..`, backslash, percent escape (an encoded slash
 * would pass the parser untouched), query or fragment. Credentials are refused too.
 *
 * @example mediaNameOf('https://bot.example/media/AbCdEfGhIjKlMnOpQrStUvWx.png', 'https://bot.example/media/') // 'AbCdEfGhIjKlMnOpQrStUvWx.png'
 */
export function mediaNameOf(url: string, prefix: string): string | undefined {
  if (/\.\.|%|\\|\?|#/.test(url)) return undefined;
  let parsed: URL;
  let base: URL;
  try {
    parsed = new URL(url);
    base = new URL(prefix);
  } catch {
    return undefined;
  }
  if (parsed.origin !== base.origin || parsed.username || parsed.password) return undefined;
  if (!parsed.pathname.startsWith(base.pathname)) return undefined;
  const name = parsed.pathname.slice(base.pathname.length);
  return MEDIA_NAME.test(name) ? name : undefined;
}
