import { normalize } from '../classify/normalize';
import { withoutGreeting } from './small-talk';

/**
 * "¿Cómo va lo de la farola?", "what about my streetlight report?", "com va allò del fanal?": a
 * question about something the citizen reported before, named by what it was about rather than by its
 * reference. Read from the start of the message (after a greeting): an opener that asks how something
 * goes, then a pointer to something already said ("lo de", "mi", "my", "el meu", "el que avisé"), then
 * the topic. Without the pointer the message may be a new report ("¿qué pasa con la farola? lleva una
 * semana apagada") and is left alone.
 */
export interface FollowUp {
  /** What the citizen's earlier report was about, as they say it now ("la farola", "streetlight"). */
  topic: string;
}

// Openers, folded (no accents, lowercase, punctuation as spaces), longest first.
const OPENERS = [
  'como va', 'como van', 'como sigue', 'como esta', 'como anda', 'que pasa con', 'que paso con', 'que hay de', 'que ha pasado con', 'que fue de', 'en que quedo',
  'hay novedades de', 'hay novedades sobre', 'hay novedades con', 'novedades de', 'novedades sobre', 'alguna novedad de', 'alguna novedad sobre', 'alguna novedad con',
  'se sabe algo de', 'sabeis algo de', 'saben algo de', 'sabes algo de', 'que sabeis de', 'que saben de', 'que sabes de', 'que se sabe de', 'y lo de', 'y mi', 'en que estado esta', 'estado de',
  'com va', 'com van', 'com esta', 'com segueix', 'que passa amb', 'que ha passat amb', 'que hi ha de', 'hi ha novetats de', 'que hi ha de nou amb', 'que hi ha de nou de', 'que sabeu de', 'que se sap de', 'hi ha novetats sobre', 'novetats de', 'novetats sobre',
  'se sap alguna cosa de', 'sabeu alguna cosa de', 'i allo de', 'i allo del', 'y lo del', 'i el meu', 'i la meva', 'estat de',
  'what about', 'how is', 'how s', 'hows', 'how are', 'how is it going with', 'any news on', 'any news about', 'any update on', 'any updates on', 'any update about', 'any news of',
  'whats happening with', 'what s happening with', 'what is happening with', 'what happened to', 'what happened with', 'whats the status of', 'what s the status of', 'what is the status of',
  'status of', 'update on', 'news on', 'and my',
].sort((a, b) => b.length - a.length);

// Words that point back at something already reported.
const POINTERS = /^(?:lo (?:de|del|que)|lo mio(?: de| del)?|allo (?:de|del|que)|mi|mis|my|our|the one|el meu|la meva|els meus|les meves|nuestro|nuestra|el que|la que|aquel|aquella|aquell|that)\b/;
// Or a verb that says it was reported ("el bache que avisé", "the pothole i reported").
const REPORTED = /\b(?:avise|reporte|denuncie|pedi|solicite|puse|mande|envie|comunique|avisamos|reportamos|vaig avisar|vaig demanar|vaig enviar|vaig reportar|vam avisar|reported|i reported|we reported|filed|i filed|sent|i sent|complained about|reclame|reclamamos)\b/;

// Words that say "a ticket" but not what about: "¿cómo va mi reclamo?" lists all tickets instead.
const TICKET_WORDS = new Set([
  'reclamo', 'reclamos', 'reclamacion', 'reclamaciones', 'solicitud', 'solicitudes', 'tramite', 'tramites', 'ticket', 'tickets', 'consulta', 'consultas', 'queja', 'quejas',
  'incidencia', 'incidencias', 'aviso', 'avisos', 'denuncia', 'peticion', 'expediente', 'queixa', 'queixes', 'tiquet', 'tiquets', 'sollicitud', 'sollicituds', 'incidencies', 'avis', 'peticio',
  'complaint', 'complaints', 'request', 'requests', 'case', 'cases', 'report', 'reports', 'issue', 'issues',
]);
const STOP = new Set([
  'lo', 'mio', 'de', 'del', 'la', 'el', 'los', 'las', 'mi', 'mis', 'my', 'our', 'the', 'one', 'that', 'a', 'an', 'of', 'about', 'on', 'con', 'sobre', 'que', 'allo', 'meu', 'meva', 'meus', 'meves', 'els', 'les', 'l',
  'nuestro', 'nuestra', 'aquel', 'aquella', 'aquell', 'y', 'i', 'and', 'please', 'por', 'favor', 'si', 'us', 'plau', 'going', 'it', 'is', 'with', 'en', 'al', 'a', 'un', 'una',
]);
const MAX_WORDS = 18;

/** A follow-up question in `text`, or undefined. */
export function followUpIn(text: string): FollowUp | undefined {
  const c = normalize(withoutGreeting(text));
  const words = c.split(' ');
  if (c === '' || words.length > MAX_WORDS) return undefined;
  const opener = OPENERS.find((o) => c === o || c.startsWith(`${o} `));
  if (!opener) return undefined;
  const rest = c.slice(opener.length).trim();
  // "and my…", "y mi…", "i el meu…": the pointer is in the opener itself.
  const pointed = /(?:\bmi|\bmy|\bmeu|\bmeva|lo de|allo de)$/.test(opener) || POINTERS.test(rest) || REPORTED.test(rest);
  if (!pointed) return undefined;
  const topic = rest
    .replace(REPORTED, ' ')
    .split(' ')
    .filter((w) => w !== '' && !STOP.has(w) && !TICKET_WORDS.has(w))
    .join(' ');
  return topic === '' ? undefined : { topic };
}
