import type { GeoPoint, TicketContact, TicketLocation } from '../../connectors/connector';
import { isReachable, parseContact } from '../answers';
import type { Locale } from '../../catalog/schema';
import { describesProblem, extractDescription } from './describe';
import { extractPlace, type ExtractedPlace } from './extract-place';
import type { Geocoder } from './geocoder';
import type { LlmPlaceExtractor } from './llm-extractor';
import type { StreetDirectory } from './street-directory';

/** A place as intake keeps it: the words to show and file, and how it was found. */
export interface UnderstoodPlace extends ExtractedPlace {
  /** What to show and file: the city's spelling when the directory knows the street ("Calle Colón 12"). */
  display: string;
  /** The directory knows the street (undefined: no directory). */
  known?: boolean;
}

/** What one message says about a report. */
export interface Understood {
  place?: UnderstoodPlace;
  /** The message without greeting filler. */
  description: string;
  /** It says what is wrong (not only where, not only "hola"). */
  describes: boolean;
  /** A phone or email written in it. */
  contact?: TicketContact;
}

export interface UnderstandingOptions {
  directory?: StreetDirectory;
  geocoder?: Geocoder;
  llm?: LlmPlaceExtractor;
  /**
   * Ask the model about every message (`LLM_MODE=llm`); otherwise (hybrid) only about messages the
   * offline rules find no place in, so a plain "calle Colón 12" costs no model call.
   */
  llmAlways?: boolean;
  /** Told when the model failed and the offline reading was used. */
  onFallback?: (err: unknown) => void;
}

/**
 * Reads places, descriptions and contacts out of citizens' messages for intake: offline rules
 * always, the city's street directory to spell and check streets when given, a chat model when
 * configured (its answer validated, the offline reading on any failure), and a geocoder for the
 * back office's coordinates.
 */
export class Understanding {
  constructor(private readonly o: UnderstandingOptions = {}) {}

  get geocodes(): boolean {
    return this.o.geocoder !== undefined;
  }

  /** Offline only: the rules and the directory, no network. */
  read(text: string, locale?: Locale): Understood {
    return this.#compose(text, this.#offlinePlace(text, locale));
  }

  /** The model's reading when one is configured and answers validly, else {@link read}. */
  async understand(text: string, locale?: Locale): Promise<Understood> {
    const offline = this.read(text, locale);
    if (!this.o.llm || (offline.place && !this.o.llmAlways)) return offline;
    try {
      const llm = await this.o.llm.extract(text);
      const place = llm.place ? this.#normalized(llm.place) : offline.place;
      return { ...this.#compose(text, place), ...(llm.description ? { description: llm.description } : {}) };
    } catch (err) {
      this.o.onFallback?.(err);
      return offline;
    }
  }

  /** Coordinates for a typed place; undefined without a geocoder or when it fails (never throws). */
  async geocode(location: TicketLocation, locale?: Locale): Promise<GeoPoint | undefined> {
    if (!this.o.geocoder || location.point || !location.address) return undefined;
    return this.o.geocoder.geocode(location.address, locale);
  }

  /** A place for an answer to "¿dónde es?": what the rules find, else the whole answer as written. */
  placeFromAnswer(text: string, locale?: Locale): UnderstoodPlace | undefined {
    const found = this.#offlinePlace(text, locale);
    if (found) return found;
    const written = text.trim().replace(/[.!]+$/, '');
    if (written.length < 3 || !/\p{L}|\d/u.test(written)) return undefined;
    return this.#normalized({ text: written, kind: 'street', index: 0 });
  }

  #compose(text: string, place: UnderstoodPlace | undefined): Understood {
    const contact = parseContact(text);
    return {
      ...(place ? { place } : {}),
      description: extractDescription(text),
      describes: describesProblem(text, place),
      ...(isReachable(contact) ? { contact: { ...(contact.phone ? { phone: contact.phone } : {}), ...(contact.email ? { email: contact.email } : {}) } } : {}),
    };
  }

  #offlinePlace(text: string, locale?: Locale): UnderstoodPlace | undefined {
    const found = extractPlace(text, locale);
    if (found) return this.#normalized(found);
    // Streets the city has, written without a type ("en colon 12 hay un bache").
    const hit = this.o.directory?.findIn(text);
    if (!hit) return undefined;
    return { text: hit.written, kind: hit.number ? 'address' : 'street', street: hit.name, ...(hit.number ? { number: hit.number } : {}), index: text.indexOf(hit.written), display: hit.number ? `${hit.name} ${hit.number}` : hit.name, known: true };
  }

  /** The city's spelling of the street(s) when the directory knows them. */
  #normalized(p: ExtractedPlace): UnderstoodPlace {
    const directory = this.o.directory;
    if (!directory) return { ...p, display: p.text };
    if ((p.kind === 'address' || p.kind === 'street') && p.street) {
      const m = directory.match(p.street);
      if (!m) return { ...p, display: p.text, known: false };
      return { ...p, display: p.number ? `${m.name} ${p.number}` : m.name, known: true };
    }
    if (p.kind === 'intersection' && p.street && p.cross) {
      const a = directory.match(p.street);
      const b = directory.match(p.cross);
      if (a && b) return { ...p, display: `${a.name} / ${b.name}`, known: true };
      return { ...p, display: p.text, known: false };
    }
    return { ...p, display: p.text };
  }
}
