import fc from 'fast-check';

/** Generators of personal data in the shapes citizens type them (es, ar, international). */
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const sep = fc.constantFrom(' ', '-', '.', '');

/** Groups `d` as the sizes say, joined by a separator chosen once. */
const grouped = (d: string, sizes: readonly number[], s: string) => {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(d.slice(i, i + n));
    i += n;
  }
  if (i < d.length) out.push(d.slice(i));
  return out.filter(Boolean).join(s);
};

const spanishPhone = fc
  .tuple(fc.constantFrom('6', '7', '91', '93', '96', '98'), digits(8), sep, fc.constantFrom('', '+34 ', '0034 ', '+34', '(+34) '), fc.constantFrom([3, 3, 3], [3, 2, 2, 2], [9]))
  .map(([lead, rest, s, cc, sizes]) => cc + grouped((lead + rest).slice(0, 9), sizes, s));

const argentinePhone = fc.oneof(
  fc.tuple(digits(4), digits(4)).map(([a, b]) => `+54 9 11 ${a}-${b}`),
  fc.tuple(digits(4), digits(4)).map(([a, b]) => `(011) ${a}-${b}`),
  fc.tuple(digits(4), digits(4)).map(([a, b]) => `15-${a}-${b}`),
  fc.tuple(digits(4), digits(4)).map(([a, b]) => `011 ${a} ${b}`),
  fc.tuple(digits(3), digits(4)).map(([a, b]) => `0351 15 ${a}-${b}`),
);

const internationalPhone = fc.oneof(
  fc.tuple(digits(4), digits(4)).map(([a, b]) => `+44 20 ${a} ${b}`),
  fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `+1 (${a}) ${b}-${c}`),
  fc.tuple(digits(2), digits(2), digits(2), digits(2)).map(([a, b, c, d]) => `+33 6 ${a} ${b} ${c} ${d}`),
  fc.tuple(digits(3), digits(7)).map(([a, b]) => `+49 ${a} ${b}`),
);

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const dni = fc.tuple(fc.integer({ min: 1_000_000, max: 99_999_999 }), fc.constantFrom('', '-', ' ', 'dots')).map(([n, s]) => {
  const num = String(n).padStart(8, '0');
  const letter = DNI_LETTERS[n % 23]!;
  if (s === 'dots') return `${num.slice(0, 2)}.${num.slice(2, 5)}.${num.slice(5)}-${letter}`;
  return `${num}${s}${letter}`;
});
const nie = fc.tuple(fc.constantFrom('X', 'Y', 'Z'), fc.integer({ min: 0, max: 9_999_999 }), fc.constantFrom('', '-')).map(([p, n, s]) => {
  const num = String(n).padStart(7, '0');
  const letter = DNI_LETTERS[Number(`${'XYZ'.indexOf(p)}${num}`) % 23]!;
  return `${p}${s}${num}${s}${letter}`;
});
const argentineDni = fc.oneof(
  fc.integer({ min: 1_000_000, max: 49_999_999 }).map((n) => String(n).replace(/\B(?=(\d{3})+$)/g, '.')),
  fc.integer({ min: 1_000_000, max: 49_999_999 }).map((n) => `DNI ${n}`),
  fc.integer({ min: 1_000_000, max: 49_999_999 }).map((n) => `documento n° ${n}`),
);
const cuil = fc.tuple(fc.constantFrom('20', '23', '27', '30'), digits(8), digits(1), fc.constantFrom('-', '', ' ')).map(([a, b, c, s]) => `${a}${s}${b}${s}${c}`);

const iban = fc.tuple(digits(20), fc.boolean()).map(([bban, spaced]) => {
  // ES + check digits computed (ISO 13616 mod 97), so the numbers are real-looking.
  const check = String(98n - (BigInt(`${bban}142800`) % 97n)).padStart(2, '0');
  const raw = `ES${check}${bban}`;
  return spaced ? raw.replace(/(.{4})(?=.)/g, '$1 ') : raw;
});

const card = fc.tuple(fc.constantFrom('4', '5'), digits(14), fc.constantFrom(' ', '-', '')).map(([p, body, s]) => {
  const partial = p + body;
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let d = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  const full = partial + String((10 - (sum % 10)) % 10);
  return full.replace(/(.{4})(?=.)/g, `$1${s}`);
});

const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9._]{1,12}[a-z0-9]$/), fc.stringMatching(/^[a-z][a-z0-9-]{1,10}[a-z]$/), fc.constantFrom('com', 'es', 'cat', 'com.ar', 'org'))
  .filter(([local]) => !local.includes('..'))
  .map(([l, d, t]) => `${l}@${d}.${t}`);

const CONSONANTS = 'BCDFGHJKLMNPRSTVWXYZ';
const letters = (n: number, from: string) => fc.array(fc.constantFrom(...from), { minLength: n, maxLength: n }).map((a) => a.join(''));
const plate = fc.oneof(
  fc.tuple(digits(4), letters(3, CONSONANTS), fc.constantFrom(' ', '-', '')).map(([d, l, s]) => `${d}${s}${l}`),
  fc.tuple(letters(2, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), digits(3), letters(2, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')).map(([a, d, b]) => `${a} ${d} ${b}`),
);

/** Personal data tagged with its kind, for assertions about what replaced it. */
export const personalData = fc.oneof(
  spanishPhone.map((v) => ({ kind: 'phone-es', value: v })),
  argentinePhone.map((v) => ({ kind: 'phone-ar', value: v })),
  internationalPhone.map((v) => ({ kind: 'phone-intl', value: v })),
  dni.map((v) => ({ kind: 'dni', value: v })),
  nie.map((v) => ({ kind: 'nie', value: v })),
  argentineDni.map((v) => ({ kind: 'dni-ar', value: v })),
  cuil.map((v) => ({ kind: 'cuil', value: v })),
  iban.map((v) => ({ kind: 'iban', value: v })),
  card.map((v) => ({ kind: 'card', value: v })),
  email.map((v) => ({ kind: 'email', value: v })),
  plate.map((v) => ({ kind: 'plate', value: v })),
);

/** Words around the data, without digits, in es/ca/en (so any digit left in the output is a leak). */
export const lead = fc.constantFrom(
  'mi teléfono es', 'llamadme al', 'podéis escribirme a', 'mi dni es el', 'contactar con', 'el meu telèfon és', 'em podeu trucar al',
  'el meu correu és', 'call me on', 'my number is', 'you can reach me at', 'mi cuenta', 'pagado con la tarjeta', 'el coche con matrícula',
  'vale, te dejo mi contacto:', '', 'CUIL', 'nro de tramite',
);
export const tail = fc.constantFrom('', 'gracias', 'por la tarde mejor', ', un saludo', '. Hay una farola rota en la plaza.', ' thanks!', ' si us plau');

/** Ordinary text with numbers a model needs: streets, dates, times, postcodes, references, amounts. */
export const ordinaryText = fc.oneof(
  fc.tuple(fc.constantFrom('calle Mayor', 'Calle Colón', 'carrer de Balmes', 'avenida de la Constitución', 'Main Street', 'Av. Corrientes'), fc.integer({ min: 1, max: 2999 }))
    .map(([s, n]) => `Hay un bache en ${s} ${n}, frente al portal`),
  fc.tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2020, max: 2030 }))
    .map(([d, m, y]) => `desde el ${d}/${m}/${y} la farola no funciona`),
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `pasa a las ${h}:${String(m).padStart(2, '0')} cada día`),
  fc.tuple(fc.integer({ min: 1000, max: 52999 }), fc.integer({ min: 1, max: 300 })).map(([cp, n]) => `CP ${String(cp).padStart(5, '0')}, portal ${n}, 3º 2ª`),
  fc.tuple(fc.constantFrom('ALU', 'BAC', 'LIM', 'CAL', 'ARB'), fc.integer({ min: 2020, max: 2030 }), fc.integer({ min: 1, max: 999_999 }))
    .map(([p, y, n]) => `¿cómo va lo de ${p}-${y}-${String(n).padStart(6, '0')}?`),
  fc.tuple(fc.constantFrom('alu', 'bac', 'lim'), fc.integer({ min: 2020, max: 2030 }), fc.integer({ min: 1, max: 9999 })).map(([p, y, n]) => `estado de ${p} ${y} ${n}`),
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 99 })).map(([e, c]) => `me cobraron ${e},${String(c).padStart(2, '0')} € de tasa`),
  fc.integer({ min: 1_000, max: 999_999 }).map((n) => `una multa de ${n.toLocaleString('es-ES')} pesos`),
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 200 })).map(([a, b]) => `entre los números ${a} y ${b} hay ${a + 2} árboles`),
  fc.integer({ min: 1990, max: 2030 }).map((y) => `en ${y} ya pasó lo mismo`),
);
