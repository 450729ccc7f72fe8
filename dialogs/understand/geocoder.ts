import { z } from 'zod';
import type { GeoPoint } from '../../connectors/connector';
import type { Locale } from '../../catalog/schema';

/**
 * Coordinates for a place, from a Nominatim- or Photon-compatible search API (`GEOCODER_URL`).
 * Best effort by design: a geocoder that is down, slow, answers 500 or answers garbage gives
 * `undefined`, never an error, and never holds a ticket longer than `timeoutMs`.
 */
export interface Geocoder {
  geocode(query: string, locale?: Locale): Promise<GeoPoint | undefined>;
}

export interface HttpGeocoderOptions {
  /** The search endpoint: Nominatim's `/search` or Photon's `/api`. */
  url: string;
  timeoutMs: number;
  /** Appended to every query ("Calle Colón 12, Villa Ejemplo") so streets resolve in the right city. */
  city?: string;
  /** Told what failed (never the citizen's text). */
  onError?: (err: unknown, what: string) => void;
  fetch?: typeof fetch;
}

const Coordinate = z.coerce.number().refine(Number.isFinite);
const NominatimAnswer = z.array(z.object({ lat: Coordinate, lon: Coordinate }).passthrough());
const PhotonAnswer = z.object({ features: z.array(z.object({ geometry: z.object({ coordinates: z.tuple([Coordinate, Coordinate]).rest(z.unknown()) }) })) });

export class HttpGeocoder implements Geocoder {
  readonly #o: HttpGeocoderOptions;
  readonly #photon: boolean;

  constructor(o: HttpGeocoderOptions) {
    this.#o = o;
    this.#photon = /\/api\/?$/.test(new URL(o.url).pathname);
  }

  async geocode(query: string, locale?: Locale): Promise<GeoPoint | undefined> {
    const q = this.#o.city && !query.toLowerCase().includes(this.#o.city.toLowerCase()) ? `${query}, ${this.#o.city}` : query;
    const url = new URL(this.#o.url);
    url.searchParams.set('q', q);
    url.searchParams.set('limit', '1');
    if (this.#photon) {
      if (locale && locale !== 'ca') url.searchParams.set('lang', locale);
    } else {
      url.searchParams.set('format', 'jsonv2');
      if (locale) url.searchParams.set('accept-language', locale);
    }
    const signal = AbortSignal.timeout(this.#o.timeoutMs);
    try {
      const res = await (this.#o.fetch ?? fetch)(url, { signal, headers: { accept: 'application/json', 'user-agent': 'citizen-bot (municipal ticket intake)' } });
      if (!res.ok) {
        await res.body?.cancel();
        this.#o.onError?.(new Error(`geocoder answered ${res.status}`), 'status');
        return undefined;
      }
      const body: unknown = await res.json();
      return pointOf(body);
    } catch (err) {
      this.#o.onError?.(err, signal.aborted ? 'timeout' : 'request');
      return undefined;
    }
  }
}

/** The first result of a Nominatim or Photon answer, when its coordinates are on Earth. */
export function pointOf(body: unknown): GeoPoint | undefined {
  const n = NominatimAnswer.safeParse(body);
  const p = n.success ? undefined : PhotonAnswer.safeParse(body);
  const first = n.success ? n.data[0] && { latitude: n.data[0].lat, longitude: n.data[0].lon } : p?.success && p.data.features[0] ? { latitude: p.data.features[0].geometry.coordinates[1], longitude: p.data.features[0].geometry.coordinates[0] } : undefined;
  if (!first) return undefined;
  if (Math.abs(first.latitude) > 90 || Math.abs(first.longitude) > 180) return undefined;
  return first;
}
