/**
 * `url` with the first character of its `sig` parameter changed to a different one. Writing a fixed
 * character ("sig=A…") leaves the URL as it was whenever the signature already starts with it: one
 * base64url signature in 64, a test that then fails at random.
 */
export function withTamperedSignature(url: string): string {
  const tampered = url.replace(/([?&]sig=)(.)/, (_all, head: string, first: string) => `${head}${first === 'A' ? 'B' : 'A'}`);
  if (tampered === url) throw new Error(`no signature to tamper with in ${url}`);
  return tampered;
}
