import { LOCALES, type Catalog, type Locale } from '../catalog/schema';
import { normalize } from './classify/normalize';
import { emergencyDetectorFor } from './emergency/catalog-detector';
import { spanishVariant, t, type MessageKey } from './i18n';
import type { RecordLookup } from './my-records-dialog';

/**
 * Recognizes the few things a citizen can say that are not a new report: commands (help, cancel,
 * language, my tickets), ticket references and emergencies. Everything here works on normalized
 * text (lowercase, no accents, punctuation as spaces), in all three languages at once, because a
 * citizen who writes "help" to a Spanish conversation still wants help.
 *
 * Commands match the whole message, never a word inside a longer one: "ayuda" is help, but
 * "necesito ayuda con un bache" is a report.
 */

/**
 * A citizen-facing ticket reference, read leniently: ALU-2026-000012 as printed, and as citizens type it
 * back: "alu 2026 12", "ALU-2026-12", "alu2026000012", "alu.2026.12", and the file-number style
 * "ALU 12/2026". The year must look like one (20xx) and the number has at most six digits.
 */
const SEP = '[\\s._#-]*';
const REFERENCE = new RegExp(`(?<![\\p{L}\\d])(\\p{L}{3})${SEP}(20\\d{2})${SEP}(\\d{1,6})(?!\\d)`, 'iu');
const REFERENCE_SLASH = new RegExp(`(?<![\\p{L}\\d])(\\p{L}{3})${SEP}(\\d{1,6})\\s*/\\s*(20\\d{2})(?!\\d)`, 'iu');
// Three-letter words a citizen may write before a year: "del 2026", "the 2026 one" are not prefixes.
const NOT_PREFIXES = new Set(['del', 'los', 'las', 'una', 'uno', 'por', 'con', 'que', 'sin', 'año', 'ano', 'les', 'els', 'amb', 'per', 'any', 'the', 'and', 'for', 'via', 'dia', 'mes', 'son', 'hay', 'nov', 'dic', 'ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'des', 'gen', 'dec', 'jan', 'apr', 'aug']);

const HELP = new Set(['ayuda', 'ajuda', 'help', 'help me', 'necesito ayuda', 'menu', 'info', 'que podes hacer', 'que puedes hacer', 'que pots fer', 'what can you do']);

const CANCEL = new Set([
  'cancelar', 'cancela', 'cancelalo', 'cancel', 'cancel it', 'cancellar', 'cancella', 'anullar',
  'empezar de nuevo', 'empecemos de nuevo', 'volver a empezar', 'reiniciar', 'salir',
  'tornar a comencar', 'comencar de nou', 'sortir',
  'start over', 'start again', 'restart', 'quit', 'exit',
  'start',
]);

// Linking this chat to the citizen's WhatsApp number (whole-message commands only).
const LINK_PHONE = new Set([
  'vincular', 'vincular whatsapp', 'vincular mi whatsapp', 'vincular mi telefono', 'vincular mi numero', 'vincular con whatsapp', 'conectar whatsapp', 'conectar mi whatsapp', 'unir con whatsapp',
  'vincular el meu whatsapp', 'vincular el meu telefon', 'vincular el meu numero', 'connectar whatsapp', 'connectar el meu whatsapp',
  'link', 'link whatsapp', 'link my whatsapp', 'link my phone', 'link my number', 'connect whatsapp', 'connect my whatsapp',
]);

// Asking for a person. Phrases count inside a short message ("quiero hablar con una persona, por favor");
// single words only as the whole message ("agente", not "el agente de tránsito no vino").
const HUMAN_PHRASES = wholeWords([
  'hablar con una persona', 'hablar con alguien', 'hablar con un humano', 'hablar con un agente', 'hablar con un operador', 'hablar con una operadora',
  'quiero una persona', 'persona real', 'atencion humana', 'atencion personal', 'pasame con alguien', 'paseme con alguien', 'pasame con una persona',
  'parlar amb algu', 'parlar amb una persona', 'parlar amb un huma', 'parlar amb un agent', 'atencio personal',
  'talk to a person', 'talk to someone', 'talk to a human', 'speak to a person', 'speak to someone', 'speak to a human', 'real person', 'talk to an agent', 'speak to an agent',
]);
const HUMAN_WORDS = new Set(['agente', 'operador', 'operadora', 'persona', 'humano', 'agent', 'huma', 'human', 'operator', 'representative', 'una persona', 'a person', 'someone']);
const MAX_HUMAN_WORDS = 9;

// A copy of the citizen's own data (GDPR art. 15). Phrases inside a short message: "quiero una copia de mis datos, por favor".
const MY_DATA = wholeWords([
  'copia de mis datos', 'mis datos personales', 'descargar mis datos', 'quiero mis datos', 'acceso a mis datos', 'derecho de acceso',
  'que datos tienen de mi', 'que datos teneis de mi', 'que datos tenes de mi', 'que datos guardan de mi', 'que sabeis de mi',
  'copia de les meves dades', 'les meves dades personals', 'descarregar les meves dades', 'vull les meves dades', 'acces a les meves dades', 'quines dades teniu de mi',
  'copy of my data', 'my personal data', 'download my data', 'access to my data', 'what data do you have about me', 'what do you know about me', 'export my data',
]);
const MAX_MY_DATA_WORDS = 12;

// Erasure of the citizen's data (GDPR art. 17): a verb of deleting and, a few words later, their data
// ("quiero que borréis mis datos", "esborreu les meves dades", "delete my data", "remove all my personal
// information"), or the right's own name. Checked before a copy: "borrar mis datos personales" names both.
const ERASE_DATA = /\b(?:borr|elimin|suprim|esborr|delet|eras|remov|wipe)\w*(?: \S+){0,4}? (?:datos|dades|data|informacion|informacio|information)\b/;
const ERASE_RIGHT = wholeWords([
  'derecho al olvido', 'derecho de supresion', 'olvidadme', 'olvidame', 'dret a l oblit', 'dret de supressio', 'oblideu me', 'right to be forgotten', 'right to erasure', 'forget me',
]);

// Status updates we send unasked: off and on again (whole-message commands).
const UPDATES_OFF = new Set([
  'no quiero avisos', 'no quiero mas avisos', 'no me avises mas', 'desactivar avisos', 'dejar de recibir avisos', 'sin avisos', 'stop avisos',
  'no vull avisos', 'no vull mes avisos', 'desactivar avisos', 'deixar de rebre avisos',
  'stop updates', 'no more updates', 'turn off updates', 'unsubscribe', '/stop',
]);
// The citizen's own records in the city's systems (issue 16 part 3), in short messages; the certificate
// before the census entry ("certificado del padrón" names both). "Mis trámites" stays "my tickets".
const RECORD_PHRASES: ReadonlyArray<readonly [RecordLookup, readonly string[]]> = [
  ['censusCertificate', wholeWords([
    'certificado de empadronamiento', 'certificado del padron', 'certificado de padron', 'volante de empadronamiento', 'volante del padron',
    'certificat d empadronament', 'certificat del padro', 'volant d empadronament', 'census certificate', 'certificate of census registration', 'proof of residence certificate',
  ])],
  ['census', wholeWords([
    'mi padron', 'mis datos del padron', 'mi empadronamiento', 'donde estoy empadronado', 'donde estoy empadronada', 'estoy empadronado', 'estoy empadronada',
    'el meu padro', 'les meves dades del padro', 'on estic empadronat', 'on estic empadronada', 'estic empadronat', 'estic empadronada',
    'my census', 'my census registration', 'my census data', 'am i registered in the census',
  ])],
  ['fines', wholeWords(['mis multas', 'tengo multas', 'multas pendientes', 'tengo alguna multa', 'les meves multes', 'tinc multes', 'tinc alguna multa', 'multes pendents', 'my fines', 'do i have any fines', 'pending fines'])],
  ['notifications', wholeWords(['mis notificaciones', 'notificaciones pendientes', 'tengo notificaciones', 'les meves notificacions', 'notificacions pendents', 'tinc notificacions', 'my notifications', 'pending notifications'])],
  ['tax-receipts', wholeWords(['mis recibos', 'mis impuestos', 'recibos pendientes', 'recibos del ibi', 'els meus rebuts', 'els meus impostos', 'rebuts pendents', 'my tax receipts', 'my taxes', 'my tax bills'])],
  ['procedures', wholeWords(['mis expedientes', 'expedientes en curso', 'tramites en curso', 'estado de mis expedientes', 'els meus expedients', 'expedients en curs', 'tramits en curs', 'my applications', 'my procedures', 'applications in progress'])],
];
const MAX_RECORD_WORDS = 8;

// Appointments (issue 16 part 1): booking, the list, and cancelling one by its number (CITA-7KM3QX).
const BOOK_APPOINTMENT = wholeWords([
  'pedir cita', 'pedir una cita', 'cita previa', 'quiero una cita', 'quiero cita', 'necesito una cita', 'necesito cita', 'reservar cita', 'reservar una cita', 'coger cita',
  'pedir turno', 'pedir un turno', 'sacar turno', 'sacar un turno', 'quiero un turno', 'necesito un turno', 'reservar turno',
  'demanar cita', 'demanar una cita', 'vull una cita', 'vull cita', 'necessito una cita', 'reservar una cita', 'agafar cita',
  'book an appointment', 'make an appointment', 'i need an appointment', 'i want an appointment', 'get an appointment', 'book a slot',
]);
const MY_APPOINTMENTS = wholeWords(['mis citas', 'mis turnos', 'mi cita', 'mi turno', 'les meves cites', 'la meva cita', 'my appointments', 'my appointment']);
const CANCEL_APPOINTMENT = /\b(?:anular|cancelar|anullar|cancel·lar|cancellar|cancel|delete)\b.*\b(cita\s*-?\s*[a-z0-9]{6})\b/;
const MOVE_APPOINTMENT = /\b(?:cambiar|mover|modificar|aplazar|canviar|moure|ajornar|change|move|reschedule)\b.*\b(cita\s*-?\s*[a-z0-9]{6})\b/;
const MAX_APPOINTMENT_WORDS = 10;

// Signing in with the city's identity provider (issue 16 part 2), in short messages.
const VERIFY_IDENTITY = wholeWords([
  'verificar mi identidad', 'verificar identidad', 'identificarme', 'quiero identificarme', 'acreditar mi identidad', 'iniciar sesion', 'iniciar sesion con cl@ve', 'entrar con cl@ve', 'entrar con mi dni',
  'verificar la meva identitat', 'identificar me', 'vull identificar me', 'iniciar sessio',
  'verify my identity', 'verify me', 'verify identity', 'sign in', 'log in', 'login',
]);
const MAX_VERIFY_WORDS = 8;

// Acting for someone else (issue 16 part 4), in short messages: "actuar en nombre de otra persona",
// "representar a mi madre", "soy el tutor de mi hermano", "act on behalf of my father".
const ACT_FOR = [
  /\b(?:actuar|tramitar|gestionar|hacer (?:tramites|gestiones)|presentar) en (?:nombre|representacion) de\b/,
  /\b(?:actuar|tramitar|gestionar|fer (?:tramits|gestions)|presentar) en (?:nom|representacio) (?:de|d)\b/,
  /\b(?:act|file|apply|book) (?:on behalf of|for someone|in the name of)\b/,
  /\b(?:representar|represent) (?:a|al|a la|la|el|les|els|my|someone)\b/,
  /\b(?:soy|soc|sere) (?:el|la) (?:tutor|tutora|representante|representant|curador|curadora)(?: legal)? (?:de|d|del)\b/,
  /\bi (?:am|m) (?:the|a|her|his) (?:legal )?(?:guardian|representative|carer)\b/,
];
const MAX_ACT_FOR_WORDS = 12;

const UPDATES_ON = new Set(['activar avisos', 'quiero avisos', 'vull avisos', 'turn on updates', 'send me updates', '/updates']);

const MY_TICKETS = wholeWords([
  'mis tickets', 'mis reclamos', 'mis reclamaciones', 'mis solicitudes', 'mis tramites', 'mis consultas', 'mis incidencias', 'mis avisos',
  'els meus tiquets', 'els meus tickets', 'les meves queixes', 'els meus tramits', 'les meves sollicituds', 'les meves consultes', 'les meves incidencies',
  'my tickets', 'my complaints', 'my requests', 'my reports', 'my cases', 'tickets',
]);

// "¿cómo va mi reclamo?" with no reference: the citizen wants the list of their tickets. Both a
// question and a ticket word are needed, so "¿cómo está mi calle?" stays a report.
const STATUS_QUESTION = wholeWords([
  'como va', 'como van', 'como esta', 'como estan', 'estado de', 'que paso con', 'que pasa con', 'novedades',
  'com va', 'com van', 'com esta', 'estat de', 'que ha passat amb', 'novetats',
  'how is', 'how are', 'status of', 'whats the status', 'what is the status', 'any news', 'update on', 'what happened to',
]);
const TICKET_WORDS = /\b(?:reclamos?|reclamacion(?:es)?|solicitud(?:es)?|tramites?|tickets?|consultas?|quejas?|incidencias?|avisos?|queixes?|queixa|tiquets?|sollicituds?|complaints?|requests?|cases?|reports?|issues?)\b/;

const LANGUAGE_NAMES: ReadonlyArray<readonly [string, Locale]> = [
  ['espanol', 'es'], ['castellano', 'es'], ['castella', 'es'], ['spanish', 'es'], ['espanyol', 'es'],
  ['catala', 'ca'], ['catalan', 'ca'], ['valencia', 'ca'],
  ['english', 'en'], ['ingles', 'en'], ['angles', 'en'],
];
const LANGUAGE_ASK = new Set(['idioma', 'language', 'llengua', 'lang', 'cambiar idioma', 'canviar idioma', 'change language']);
// Optional words around a language name: "english please", "en català", "háblame en inglés", "in english".
const LANGUAGE_PREFIX = /^(?:(?:please |por favor |si us plau )?(?:speak |talk |habla |hablame |hablemos |parla |parlam |parlem |continue |continua |seguimos |sigamos )?(?:en |in )?)/;
const LANGUAGE_SUFFIX = /(?: please| por favor| si us plau| plis| pls)?$/;

/** What a message asks for, before it could be a report. */
export type Command =
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'language'; locale?: Locale }
  | { kind: 'myTickets' }
  | { kind: 'status'; reference: string }
  | { kind: 'report' }
  | { kind: 'linkPhone' }
  | { kind: 'myData' }
  | { kind: 'myRecords'; lookup: RecordLookup }
  | { kind: 'bookAppointment'; procedure?: string; move?: string }
  | { kind: 'myAppointments'; cancel?: string }
  | { kind: 'verifyIdentity' }
  | { kind: 'actFor' }
  | { kind: 'eraseData' }
  | { kind: 'human' }
  | { kind: 'updates'; on: boolean };

/** Lowercase, no accents, punctuation as spaces; a leading "/" is kept so "/help" stays a command. */
export function clean(text: string): string {
  const slash = text.trim().startsWith('/') ? '/' : '';
  return slash + normalize(text);
}

/** The ticket reference in a message, upper-cased (ALU-2026-000012), if any. */
export function referenceIn(text: string): string | undefined {
  return referencesIn(text)[0]?.reference;
}

/** Every reference in `text`, in canonical form (ALU-2026-000012), with where it was written. */
function referencesIn(text: string): Array<{ reference: string; index: number; length: number }> {
  const found: Array<{ reference: string; index: number; length: number }> = [];
  for (const [re, year, n] of [[REFERENCE, 2, 3], [REFERENCE_SLASH, 3, 2]] as const) {
    for (const m of text.matchAll(new RegExp(re.source, 'giu'))) {
      const prefix = m[1]!;
      if (NOT_PREFIXES.has(prefix.toLowerCase()) || !/^[a-z]{3}$/i.test(prefix)) continue;
      found.push({ reference: `${prefix.toUpperCase()}-${m[year]}-${m[n]!.padStart(6, '0')}`, index: m.index, length: m[0].length });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The text with ticket references taken out (they are not words of any language). */
export function withoutReferences(text: string): string {
  let out = text;
  for (const r of referencesIn(text).reverse()) out = `${out.slice(0, r.index)} ${out.slice(r.index + r.length)}`;
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * Commands that may interrupt any step of a dialog: help, cancel, language, a person.
 * Returns undefined for anything else (including references and my-tickets, which only start new dialogs).
 */
export function interruptionIn(text: string): Command | undefined {
  const c = clean(text);
  if (c === '') return undefined;
  const bare = c.replace(/^\//, '');
  if (c === '/help' || HELP.has(c) || matchesMenu(c, 'menu.help')) return { kind: 'help' };
  if (c === '/cancel' || c === '/start' || CANCEL.has(bare)) return { kind: 'cancel' };
  const lang = languageIn(c);
  if (lang) return lang;
  if (c === '/human' || c === '/agent' || HUMAN_WORDS.has(c) || (c.split(' ').length <= MAX_HUMAN_WORDS && containsAny(c, HUMAN_PHRASES))) return { kind: 'human' };
  return undefined;
}

/** A switch-language command: a target language, or none when the citizen should be asked. */
function languageIn(c: string): Command | undefined {
  const slashLang = /^\/(?:lang|idioma|language)(?: (es|ca|en))?$/.exec(c);
  if (slashLang) return { kind: 'language', ...(slashLang[1] ? { locale: slashLang[1] as Locale } : {}) };
  if (LANGUAGE_ASK.has(c)) return { kind: 'language' };
  for (const [name, locale] of LANGUAGE_NAMES) {
    const rest = c.replace(LANGUAGE_SUFFIX, '');
    if (!rest.endsWith(name)) continue;
    const before = rest.slice(0, rest.length - name.length);
    // "valencia" alone is also a city: only "en valencia" / "in valencia" switch the language.
    if (name === 'valencia' && !/(?:^|\s)(?:en|in) $/.test(before)) continue;
    if (LANGUAGE_PREFIX.exec(before)?.[0] === before) return { kind: 'language', locale };
  }
  return undefined;
}

/**
 * Commands that start something when no dialog is running: a status question, my tickets, the
 * greeting's "report a problem" button. Undefined means "treat it as a report".
 */
export function commandIn(text: string): Command | undefined {
  const reference = referenceIn(text);
  if (reference) return { kind: 'status', reference };
  const c = clean(text);
  if (c === '') return undefined;
  const words = c.split(' ').length;
  if (c === '/tickets' || c === '/status' || matchesMenu(c, 'menu.myTickets')) return { kind: 'myTickets' };
  if (c === '/report' || c === '/new' || matchesMenu(c, 'menu.report')) return { kind: 'report' };
  if (c === '/link' || LINK_PHONE.has(c)) return { kind: 'linkPhone' };
  if (c === '/erase' || c === '/forgetme' || (words <= MAX_MY_DATA_WORDS && (ERASE_DATA.test(c) || containsAny(c, ERASE_RIGHT)))) return { kind: 'eraseData' };
  if (c === '/mydata' || (words <= MAX_MY_DATA_WORDS && containsAny(c, MY_DATA))) return { kind: 'myData' };
  if (c === '/verify' || (words <= MAX_VERIFY_WORDS && containsAny(c, VERIFY_IDENTITY))) return { kind: 'verifyIdentity' };
  if (words <= MAX_ACT_FOR_WORDS && ACT_FOR.some((re) => re.test(c))) return { kind: 'actFor' };
  if (words <= MAX_APPOINTMENT_WORDS) {
    const reference = (m: RegExpExecArray) => m[1]!.replace(/[\s-]/g, '').replace(/^cita/, 'CITA-').toUpperCase();
    const cancel = CANCEL_APPOINTMENT.exec(c);
    if (cancel) return { kind: 'myAppointments', cancel: reference(cancel) };
    const move = MOVE_APPOINTMENT.exec(c);
    if (move) return { kind: 'bookAppointment', move: reference(move) };
    if (containsAny(c, MY_APPOINTMENTS)) return { kind: 'myAppointments' };
    if (containsAny(c, BOOK_APPOINTMENT)) return { kind: 'bookAppointment' };
  }
  if (words <= MAX_RECORD_WORDS) {
    const record = RECORD_PHRASES.find(([, phrases]) => containsAny(c, phrases));
    if (record) return { kind: 'myRecords', lookup: record[0] };
  }
  if (UPDATES_OFF.has(c)) return { kind: 'updates', on: false };
  if (UPDATES_ON.has(c)) return { kind: 'updates', on: true };
  // Short messages only: "mis reclamos" is a command, "mis reclamos sobre la farola nunca se resuelven" is a report.
  if (words <= 6 && containsAny(c, MY_TICKETS)) return { kind: 'myTickets' };
  if (words <= 10 && TICKET_WORDS.test(c) && containsAny(c, STATUS_QUESTION)) return { kind: 'myTickets' };
  return undefined;
}

/**
 * Recognizes emergencies (fire, gas, someone hurt or not breathing, a fallen live cable, a collapse,
 * violence…) by meaning, in all languages: see dialogs/emergency. Built once per catalog.
 */
export function emergencyMatcher(catalog: Catalog): (text: string) => boolean {
  const detector = emergencyDetectorFor(catalog);
  return (text) => detector.detect(text) !== undefined;
}

/** Phrases padded with spaces once, so matching one message against all of them builds one string, not one per phrase. */
function wholeWords(phrases: readonly string[]): readonly string[] {
  return phrases.map((p) => ` ${p} `);
}

/** Whether normalized `text` contains one of the `wholeWords` phrases as whole words. */
function containsAny(text: string, padded: readonly string[]): boolean {
  const t = ` ${text} `;
  return padded.some((p) => t.includes(p));
}

const MENU_KEYS: readonly MessageKey[] = ['menu.report', 'menu.myTickets', 'menu.help'];
// The greeting buttons' labels, normalized once per Spanish variant (read on every message). A label
// shared by two languages keeps the first in LOCALES order.
const menuLabelsByVariant = new Map<string, Map<string, { key: MessageKey; locale: Locale }>>();
function menuLabels(): Map<string, { key: MessageKey; locale: Locale }> {
  let labels = menuLabelsByVariant.get(spanishVariant());
  if (!labels) {
    labels = new Map();
    for (const locale of LOCALES) for (const key of MENU_KEYS) {
      const label = normalize(t(locale, key));
      if (!labels.has(label)) labels.set(label, { key, locale });
    }
    menuLabelsByVariant.set(spanishVariant(), labels);
  }
  return labels;
}

/** The language of a greeting button's label ("Ver mis tickets" → es), if the text is one. */
export function menuLocaleOf(text: string): Locale | undefined {
  return menuLabels().get(clean(text))?.locale;
}

function matchesMenu(c: string, key: MessageKey): boolean {
  return menuLabels().get(c)?.key === key;
}
