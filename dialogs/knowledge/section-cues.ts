import { fold } from './text';

/**
 * What kind of section a question asks for. "¿A qué hora abre la OAC?" names the article with
 * "OAC" but the section with "a qué hora": a word the "Horario" section does not contain. These
 * cues map the ways citizens ask (es, ca, en; folded) to the way articles title their sections.
 */
const CUES: ReadonlyArray<{ asks: RegExp; heading: RegExp }> = [
  {
    asks: /\b(?:a que hora|hora|horas|horario|horarios|abre|abren|cierra|cierran|abierto|abierta|a quina hora|horari|obre|obren|tanca|tanquen|obert|oberta|what time|opening|hours|open|opens|close|closes)\b/,
    heading: /\b(?:horario|horari|hours|opening)\b/,
  },
  {
    asks: /\b(?:donde|direccion|adonde|on es|on son|adreca|where|address)\b/,
    heading: /\b(?:donde|on es|on son|where|direccion|adreca|address)\b|^on\b/,
  },
  {
    asks: /\b(?:cuanto cuesta|cuanto vale|cuanto es|precio|precios|tasa|cuota|quant costa|quant val|preu|taxa|quota|how much|cost|costs|price|fee|fees)\b/,
    heading: /\b(?:tasa|precio|precios|cuota|cuotas|cuanto|taxa|preu|preus|quota|quotes|quant|fee|fees|price|prices|fares|how much|tax)\b/,
  },
  {
    asks: /\b(?:papeles|documentos|documentacion|requisitos|que necesito|papers|documents|requisits|que necessito|requirements|what do i need)\b/,
    heading: /\b(?:documentos|requisitos|documents|requisits|requirements|need)\b/,
  },
  {
    asks: /\b(?:cuando|plazo|plazos|quan|termini|when|deadline)\b/,
    heading: /\b(?:cuando|plazo|quan|termini|when|deadline)\b/,
  },
];

/** Whether a section heading is the kind of section the question asks for. */
export function headingCued(question: string, heading: string): boolean {
  const q = fold(question);
  const h = fold(heading);
  return CUES.some((c) => c.asks.test(q) && c.heading.test(h));
}
