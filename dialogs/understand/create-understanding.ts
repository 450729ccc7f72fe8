import type { Logger } from 'pino';
import type { Config } from '../../bot/config';
import type { Catalog } from '../../catalog/schema';
import { HttpGeocoder } from './geocoder';
import { StreetDirectory } from './street-directory';
import { Understanding } from './understanding';

/**
 * Builds intake's understanding at start-up: the street directory when `STREET_DIRECTORY` names a
 * CSV file, the geocoder when `GEOCODER_URL` is set, and model extraction when an LLM is configured.
 * A directory that cannot be read fails the start (a city that gave one expects it used).
 */
export async function createUnderstanding(config: Config, catalog: Catalog, log?: Logger): Promise<Understanding> {
  const directory = config.STREET_DIRECTORY ? await StreetDirectory.load(config.STREET_DIRECTORY) : undefined;
  if (directory) log?.info({ streets: directory.size }, 'street directory loaded');
  const geocoder = config.GEOCODER_URL
    ? new HttpGeocoder({
        url: config.GEOCODER_URL,
        timeoutMs: config.GEOCODER_TIMEOUT_MS,
        city: catalog.city.name,
        onError: (err, what) => log?.warn({ err, what }, 'geocoder failed; the ticket goes without coordinates'),
      })
    : undefined;
  let llm;
  if (config.LLM_PROVIDER && config.LLM_MODEL) {
    const [{ createChatModel }, { LlmPlaceExtractor }] = await Promise.all([import('../classify/chat-model'), import('./llm-extractor')]);
    llm = new LlmPlaceExtractor(createChatModel(config), config.LLM_TIMEOUT_MS);
  }
  return new Understanding({
    ...(directory ? { directory } : {}),
    ...(geocoder ? { geocoder } : {}),
    ...(llm ? { llm, llmAlways: config.LLM_MODE === 'llm' } : {}),
    onFallback: (err) => log?.warn({ err }, 'place extraction by the model failed; offline reading used'),
  });
}
