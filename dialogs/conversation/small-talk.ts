import { normalize } from '../classify/normalize';

/**
 * Small talk: a message that is only a greeting, thanks, a goodbye, an acknowledgement ("ok", "👍")
 * or an insult, in es (Spain and Argentina), ca or en. Such a message gets a short reply, never the
 * service list or a new intake.
 *
 * Precision matters more than recall: a message is small talk only when EVERY word of it belongs to
 * small talk, so "hola, hay una farola rota en la calle Colón" is a report (the greeting is one of its
 * words, the farola is not), and so is "gracias, pero el bache sigue ahí". Spelling is read leniently:
 * no accents, any case, emojis and punctuation ignored, doubled letters folded ("holaa", "graciass",
 * "cheers" and "chers" are the same word), and the common chat abbreviations ("grax", "thx", "bss").
 */
export type SmallTalkKind = 'greeting' | 'thanks' | 'goodbye' | 'ack' | 'insult';

export interface SmallTalk {
  kind: SmallTalkKind;
}

type Part = SmallTalkKind | 'filler' | 'insultFiller';

// Every phrase below is written plainly; it is folded (normalize + doubled letters) once at load.
const PHRASES: Readonly<Record<Part, readonly string[]>> = {
  greeting: [
    'hola', 'holi', 'holis', 'ola', 'olá', 'holaa', 'wenas', 'buenas', 'buenos dias', 'buen dia', 'buenas tardes', 'buenas noches', 'muy buenas',
    'que tal', 'q tal', 'k tal', 'que tal estas', 'hay alguien', 'hay alguien ahi', 'alguien ahi', 'hola hola', 'hi ha algu', 'hi ha algu aqui', 'algu hi es', 'anyone there', 'is anyone there', 'anybody there', 'is anybody there', 'someone there', 'hello hello', 'como estas', 'como esta', 'como va', 'como andas', 'como andan', 'que onda', 'todo bien', 'hola que tal', 'saludos', 'un saludo',
    'hey', 'ey', 'ei', 'eh', 'alo', 'hi', 'hello', 'hiya', 'howdy', 'hey there', 'hi there', 'hello there', 'good morning', 'good afternoon', 'good evening', 'morning',
    'how are you', 'how are u', 'how r u', 'how s it going', 'hows it going', 'whats up', 'what s up', 'sup',
    'bon dia', 'bona tarda', 'bona nit', 'bon vespre', 'bones', 'bones tardes', 'que tal estas', 'com estas', 'com esta', 'com va', 'salutacions', 'hola bon dia',
  ],
  thanks: [
    'gracias', 'grasias', 'gracia', 'grax', 'grcs', 'grs', 'grac', 'muchas gracias', 'mil gracias', 'muchisimas gracias', 'gracias de nuevo', 'gracias otra vez', 'gracias igualmente',
    'te lo agradezco', 'se agradece', 'muy amable', 'que amable', 'mil gracias por todo', 'gracias por todo', 'gracias por la ayuda', 'gracias por tu ayuda', 'gracias por la info', 'gracias por la informacion', 'muy amables', 'que amables', 'que tengan buen dia', 'que tenga buen dia', 'que tengan un buen dia', 'super amable', 'muy util',
    'gracies', 'moltes gracies', 'mil gracies', 'moltissimes gracies', 'merci', 'moltes merces', 'merces', 'gracies per tot', 'gracies per l ajuda', 'molt amable', 'molt amables', 'molt util',
    'thanks', 'thank you', 'thank u', 'thanx', 'thx', 'tnx', 'thnx', 'ty', 'tysm', 'cheers', 'many thanks', 'thanks a lot', 'thanks so much', 'thank you so much', 'thank you very much',
    'much appreciated', 'appreciate it', 'thanks for the help', 'thanks for your help', 'thanks again', 'ta', 'really helpful', 'very helpful', 'so helpful', 'helpful', 'thanks for everything', 'very kind', 'so kind',
  ],
  goodbye: [
    'adios', 'adio', 'chau', 'chao', 'ciao', 'bye', 'bye bye', 'goodbye', 'good bye', 'see you', 'see ya', 'see you soon', 'see you later', 'take care', 'have a nice day', 'have a good day', 'good night',
    'hasta luego', 'hasta pronto', 'hasta manana', 'hasta otra', 'nos vemos', 'taluego', 'que tengas buen dia', 'que tengas un buen dia', 'buen finde', 'buen fin de semana', 'besos', 'bss', 'un abrazo', 'abrazo',
    'adeu', 'a reveure', 'fins aviat', 'fins despres', 'fins dema', 'fins ara', 'fins la proxima', 'que vagi be', 'bon cap de setmana', 'una abracada',
  ],
  ack: [
    'ok', 'okey', 'okay', 'okis', 'oki', 'vale', 'dale', 'perfecto', 'genial', 'estupendo', 'de acuerdo', 'entendido', 'entiendo', 'listo', 'joya', 'barbaro', 'buenisimo', 'fenomenal', 'guay', 'bien', 'muy bien', 'ya esta',
    'perfecte', 'd acord', 'dacord', 'entesos', 'molt be', 'be', 'fantastic', 'great', 'perfect', 'cool', 'nice', 'got it', 'alright', 'all right', 'fine', 'sounds good', 'awesome', 'brilliant', 'lovely', 'understood', 'noted',
  ],
  insult: [
    'idiota', 'idiotas', 'imbecil', 'imbeciles', 'estupido', 'estupida', 'estupidos', 'inutil', 'inutiles', 'tonto', 'tonta', 'tontos', 'gilipollas', 'mierda', 'una mierda', 'de mierda', 'pesimo', 'pesimos',
    'pelotudo', 'pelotudos', 'forro', 'forros', 'cabron', 'cabrones', 'subnormal', 'payaso', 'payasos', 'incompetente', 'incompetentes', 'capullo', 'capullos', 'chapuza', 'chapuceros', 'ladrones', 'vagos', 'sinverguenzas',
    'vete a la porra', 'a la porra', 'andate a la porra', 'chorizos', 'ladrones', 'sinverguenza', 'penoso', 'penosos', 'una verguenza', 'que verguenza', 'un chiste', 'una broma', 'cutre',
    'no sirves para nada', 'no servis para nada', 'no servis pa nada', 'no serviu per a res', 'no serviu per res', 'lladres', 'penos', 'penosos', 'quina vergonya', 'una vergonya', 'ves a la porra',
    'f off', 'fuck off', 'piss off', 'get lost', 'crooks', 'thieves', 'a joke', 'what a joke', 'joke', 'a disgrace', 'disgrace', 'shame on you', 'bunch of crooks', 'clowns', 'no sirve para nada', 'no servis pa nada', 'no sirves pa nada', 'que asco', 'vete a la mierda', 'andate a la mierda', 'a la mierda',
    'inutils', 'merda', 'una merda', 'de merda', 'imbecils', 'estupids', 'ximple', 'burro', 'no serveixes per a res', 'no serveix per a res', 'no serveixes per res', 'ves a la merda', 'fastigos',
    'useless', 'stupid', 'idiot', 'idiots', 'moron', 'morons', 'dumb', 'crap', 'shit', 'shitty', 'you suck', 'this sucks', 'sucks', 'fuck you', 'fuck off', 'pathetic', 'rubbish', 'worthless', 'waste of time', 'una perdida de tiempo', 'una perdua de temps',
  ],
  // Words that may go with any small talk without making it something else.
  filler: [
    'y', 'i', 'and', 'pues', 'bueno', 'bo', 'well', 'oh', 'ah', 'ahh', 'jaja', 'jajaja', 'jeje', 'haha', 'lol', 'xd', 'si', 'yes', 'yeah', 'nada', 'nothing', 'todo', 'tot', 'again', 'de nuevo', 'otra vez',
    'a todos', 'a tots', 'everyone', 'all', 'amigo', 'amiga', 'che', 'tio', 'mate', 'guys', 'chicos', 'nois', 'senor', 'senora', 'bot', 'robot', 'chatbot', 'asistente', 'assistent', 'assistant',
    'equipo', 'equip', 'team', 'ayuntamiento', 'ajuntament', 'council', 'muy', 'molt', 'very', 'so', 'much', 'mucho', 'muchas', 'moltes', 'tambien', 'tambe', 'too', 'also', 'por todo', 'per tot', 'for everything',
    // "sois muy amables", "you are useless": these go with kind words and with insults alike.
    'sos', 'eres', 'sois', 'ets', 'sou', 'you', 'are', 're', 'u', 'r', 'you re', 'you are',
    'entonces', 'doncs', 'then', 'por ahora', 'per ara', 'for now', 'eso es todo', 'aixo es tot', 'that s all', 'thats all', 'nada mas', 'res mes', 'nothing else',
  ],
  // Words that go with an insult ("sois unos inútiles", "you are a useless bot") and with nothing else.
  insultFiller: [
    'son', 'es', 'uns', 'unes', 'bunch', 'bunch of', 'maquina', 'maquina estupida', 'machine', 'ayuntamiento', 'ajuntament', 'council', 'city council', 'tots', 'todos', 'your', 'this', 'that', 'what', 'a', 'an', 'the', 'such', 'is', 'it', 'piece', 'of',
    'el', 'la', 'lo', 'los', 'las', 'un', 'una', 'unos', 'unas', 'este', 'esta', 'esto', 'aixo', 'que', 'mas', 'tan', 'de', 'del', 'pedazo', 'vaya', 'menudo', 'menuda', 'quin', 'quina', 'total', 'totalment', 'totalmente',
    'complete', 'completely', 'absolute', 'absolutely', 'todos', 'tots', 'vosotros', 'vosaltres', 'ustedes', 'tu', 'vos', 'joder', 'hostia', 'coño', 'puto', 'puta', 'fucking', 'bloody', 'damn', 'servicio', 'servei', 'service',
  ],
};

const PART_ORDER: readonly Part[] = ['insult', 'thanks', 'goodbye', 'greeting', 'ack', 'filler', 'insultFiller'];

/** Doubled letters folded, so "holaa", "graciass", "cheers" and "chers" read the same. */
function fold(text: string): string {
  return normalize(text).replace(/([a-z])\1+/g, '$1');
}

// Folded phrase → part, longest phrases first at each word (up to this many words).
const LEXICON = new Map<string, Part>();
let LONGEST = 1;
for (const part of PART_ORDER) {
  for (const phrase of PHRASES[part]) {
    const folded = fold(phrase);
    if (folded === '' || LEXICON.has(folded)) continue;
    LEXICON.set(folded, part);
    LONGEST = Math.max(LONGEST, folded.split(' ').length);
  }
}

// Messages with no letters: a few emojis say as much as words.
const EMOJI: ReadonlyArray<readonly [RegExp, SmallTalkKind]> = [
  [/[🖕🤬😡💩]/u, 'insult'],
  [/[🙏🙌]/u, 'thanks'],
  [/👋/u, 'greeting'],
  [/[👍👌✅😊🙂😀😃😄😁☺❤💪🆗👏🤝]/u, 'ack'],
];

/** Small talk is short: a long message is about something. */
const MAX_WORDS = 14;

/** The parts `text` is made of, or undefined when some word is not small talk. */
function partsOf(text: string): Part[] | undefined {
  const words = fold(text).split(' ').filter(Boolean);
  if (words.length === 0 || words.length > MAX_WORDS) return undefined;
  const parts: Part[] = [];
  for (let i = 0; i < words.length; ) {
    let matched = 0;
    for (let n = Math.min(LONGEST, words.length - i); n >= 1; n--) {
      const part = LEXICON.get(words.slice(i, i + n).join(' '));
      if (part) {
        parts.push(part);
        matched = n;
        break;
      }
    }
    if (matched === 0) return undefined;
    i += matched;
  }
  return parts;
}

/**
 * The small talk `text` is, or undefined when it says anything else (a report, a question, a
 * command, an address, a name). A greeting followed by a report is not small talk.
 * @example smallTalkIn('holaa 👋') → { kind: 'greeting' }; smallTalkIn('hola, hay un bache') → undefined
 */
export function smallTalkIn(text: string): SmallTalk | undefined {
  if (!/\p{L}|\p{N}/u.test(text)) {
    const hit = EMOJI.find(([re]) => re.test(text));
    return hit ? { kind: hit[1] } : undefined;
  }
  // Digits are references, numbers of a list, house numbers: never small talk.
  if (/\d/.test(text)) return undefined;
  const parts = partsOf(text);
  if (!parts) return undefined;
  const has = (p: Part) => parts.includes(p);
  if (has('insult')) return { kind: 'insult' };
  // "you", "la", "de" and friends only make sense around an insult.
  if (has('insultFiller')) return undefined;
  // "gracias, adiós" is a goodbye (its reply thanks back); "hola, gracias" is thanks.
  for (const kind of ['goodbye', 'thanks', 'greeting', 'ack'] as const) if (has(kind)) return { kind };
  return undefined;
}

const QUESTION_OPENERS = /\b(?:como|com|how|what|whats|que)\b/;

/**
 * `text` without a leading greeting ("hola, ¿cómo va lo de la farola?" → "¿cómo va lo de la farola?"),
 * so what follows can be read on its own. Unchanged when it does not start with one.
 */
export function withoutGreeting(text: string): string {
  const tokens = text.trim().split(/\s+/);
  let cut = 0;
  for (let n = 1; n <= Math.min(4, tokens.length - 1); n++) {
    const head = tokens.slice(0, n).join(' ');
    // "¿cómo va…?" opens a question about something: only a plain greeting is taken off.
    if (/\d/.test(head) || QUESTION_OPENERS.test(fold(head))) break;
    const parts = partsOf(head);
    if (parts && parts.every((p) => p === 'greeting' || p === 'filler')) cut = n;
  }
  return cut === 0 ? text.trim() : tokens.slice(cut).join(' ').replace(/^[\s,.;:!¡-]+/u, '');
}
