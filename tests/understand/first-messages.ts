/**
 * First messages that already say what and where, written for these tests (Spain and Argentina
 * Spanish, Catalan, English): each must reach a ticket reference within three citizen messages on
 * every channel (issue 13 part 4).
 */
export interface FirstMessage {
  text: string;
  /** Telegram's language_code / the Direct Line locale a phone in that language would send. */
  locale: 'es' | 'es-AR' | 'ca' | 'en';
  /** The place the bot should show, as written. */
  place: string;
}

export const FIRST_MESSAGES: readonly FirstMessage[] = [
  { text: 'Buenos días, hay una farola fundida en la calle Colón 12 desde el lunes', locale: 'es', place: 'calle Colón 12' },
  { text: 'Hay un bache enorme en la avenida de la Constitución 5, casi me caigo con la moto', locale: 'es', place: 'avenida de la Constitución 5' },
  { text: 'los contenedores de la plaza Mayor están a rebosar desde hace tres días', locale: 'es', place: 'plaza Mayor' },
  { text: 'sale agua de una tubería rota en la esquina de calle Mayor y calle Real', locale: 'es', place: 'esquina de calle Mayor y calle Real' },
  { text: 'Hola, en la esquina de Mitre y Belgrano el semáforo no anda desde ayer', locale: 'es-AR', place: 'esquina de Mitre y Belgrano' },
  { text: 'che, la vereda de Rivadavia 2300 está toda levantada por las raíces', locale: 'es-AR', place: 'Rivadavia 2300' },
  { text: 'hay una rama enorme colgando frente al colegio San Martín, vengan por favor', locale: 'es-AR', place: 'frente al colegio San Martín' },
  { text: "Bon dia, el fanal del carrer de Balmes 40 no s'encén des de fa dies", locale: 'ca', place: 'carrer de Balmes 40' },
  { text: "a l'avinguda Diagonal 100 hi ha un forat enorme a la vorera", locale: 'ca', place: 'avinguda Diagonal 100' },
  { text: 'hi ha brossa acumulada al parc de la Ciutadella, fa molta pudor', locale: 'ca', place: 'parc de la Ciutadella' },
  { text: 'Hi, the street light outside 5 Main Street has been out for a week', locale: 'en', place: '5 Main Street' },
  { text: "there's a big pothole at the junction of Mill Lane and Church Road", locale: 'en', place: 'junction of Mill Lane and Church Road' },
];

/** The confirmation in any language: "… — ¿lo envío?", "… — ho envio?", "… — shall I send it?". */
export const CONFIRMATION = /— (?:¿lo envío\?|ho envio\?|shall I send it\?)/;
/** The list of services offered when the classifier is unsure. */
export const PICK_SERVICE = /^(?:¿Sobre qué es\?|De què es tracta\?|What is it about\?)/;
export const REFERENCE = /[A-Z]{3}-\d{4}-\d{6}/;

/** The median of some counts. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
