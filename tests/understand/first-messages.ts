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
  { text: 'buenas, el semaforo de la calle alcala 45 esta roto desde anoche', locale: 'es', place: 'calle alcala 45' },
  { text: 'hay un arbol caido en el parque del Retiro tapando el camino', locale: 'es', place: 'parque del Retiro' },
  { text: 'hola, hay excrementos de perro por toda la calle Toledo 8, es un asco', locale: 'es', place: 'calle Toledo 8' },
  { text: 'Che, hace una semana que no pasa el camión de la basura por Corrientes 1500', locale: 'es-AR', place: 'Corrientes 1500' },
  { text: 'los de la esquina de Lima y Chile tiran escombros en la vereda, vengan a ver', locale: 'es-AR', place: 'esquina de Lima y Chile' },
  { text: 'se rompió un caño y sale agua en Pasaje Iturri 230', locale: 'es-AR', place: 'Pasaje Iturri 230' },
  { text: "bon dia, hi ha un arbre inclinat davant de l'escola Pia, fa por", locale: 'ca', place: "davant de l'escola Pia" },
  { text: 'la font de la plaça de la Vila no raja des del juliol', locale: 'ca', place: 'plaça de la Vila' },
  { text: 'a la cantonada de Mallorca amb Girona el semàfor està apagat', locale: 'ca', place: 'cantonada de Mallorca amb Girona' },
  { text: 'there is a dead fox on the pavement outside 12 High Street', locale: 'en', place: '12 High Street' },
  { text: 'the bins in Market Square have not been emptied for a week', locale: 'en', place: 'Market Square' },
  { text: 'water is gushing out of a pipe on the corner of King St and Queen St', locale: 'en', place: 'corner of King St and Queen St' },
];

/** The confirmation in any language: "… — ¿lo envío?", "… — ho envio?", "… — shall I send it?". */
export const CONFIRMATION = /— (?:¿lo envío\?|ho envio\?|shall I send it\?)/;
/** A service that requires a contact asks for one (pets): the citizen gives a phone. */
export const ASKS_CONTACT = /teléfono o email|telèfon o correu|phone number or email/;
/** The list of services offered when the classifier is unsure. */
export const PICK_SERVICE = /^(?:¿Sobre qué es\?|De què es tracta\?|What is it about\?)/;
export const REFERENCE = /[A-Z]{3}-\d{4}-\d{6}/;

/** The median of some counts. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
