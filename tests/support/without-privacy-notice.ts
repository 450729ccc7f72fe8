import type { Catalog } from '../../catalog/schema';

/**
 * The catalog without its privacy notice: for tests about other replies, whose first answer would
 * otherwise end with the notice (the notice itself is specified in tests/privacy/privacy-notice.e2e.test.ts).
 */
export function withoutPrivacyNotice(catalog: Catalog): Catalog {
  const { notice: _notice, ...privacy } = catalog.privacy;
  return { ...catalog, privacy };
}
