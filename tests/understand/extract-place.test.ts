import { describe, expect, it } from 'vitest';
import type { Locale } from '../../catalog/schema';
import { describesProblem, extractDescription, extractPlace, nonAnswer } from '../../dialogs/understand/index';

// [message, locale, the place as written, its kind]
const PLACES: ReadonlyArray<[string, Locale, string, string]> = [
  ['Hay una farola apagada en la calle Colón 12 desde hace una semana', 'es', 'calle Colón 12', 'address'],
  ['bache enorme en c/ Colon 12', 'es', 'c/ Colon 12', 'address'],
  ['en la av. de la Constitución 5 hay bolsas tiradas', 'es', 'av. de la Constitución 5', 'address'],
  ['vivo en calle Gral. Paz 455 y no sale agua', 'es', 'calle Gral. Paz 455', 'address'],
  ['calle colon 12 farola apagada', 'es', 'calle colon 12', 'address'],
  ['la de calle Bravo Murillo nº 30 no funciona', 'es', 'calle Bravo Murillo nº 30', 'address'],
  ['che, en Rivadavia 2300 la vereda está rota', 'es', 'Rivadavia 2300', 'address'],
  ['no pasa el camión por Corrientes 1500 desde el lunes', 'es', 'Corrientes 1500', 'address'],
  ["al carrer de Balmes 40 hi ha un fanal trencat", 'ca', 'carrer de Balmes 40', 'address'],
  ["a l'avinguda Diagonal 100 el semàfor no va", 'ca', 'avinguda Diagonal 100', 'address'],
  ['the lamp outside 5 Main Street flickers all night', 'en', '5 Main Street', 'address'],
  ['huge pothole on Main St 5, be careful', 'en', 'Main St 5', 'address'],
  ['en la esquina de Mitre y Belgrano tiran basura', 'es', 'esquina de Mitre y Belgrano', 'intersection'],
  ['calle Mayor con Colón tiene un bache', 'es', 'calle Mayor con Colón', 'intersection'],
  ['en el cruce de la calle Mayor y la avenida de Burgos no hay paso de cebra', 'es', 'cruce de la calle Mayor y la avenida de Burgos', 'intersection'],
  ['a la cantonada de Provença amb Pau Claris hi ha un forat', 'ca', 'cantonada de Provença amb Pau Claris', 'intersection'],
  ['pothole at the junction of Mill Lane and Church Road', 'en', 'junction of Mill Lane and Church Road', 'intersection'],
  ['broken light on the corner of King St and Queen St', 'en', 'corner of King St and Queen St', 'intersection'],
  ['pedimos árboles frente al colegio San José', 'es', 'frente al colegio San José', 'near'],
  ["demanem arbres davant de l'escola Pia", 'ca', "davant de l'escola Pia", 'near'],
  ['rubbish bags in front of the library again', 'en', 'in front of the library', 'near'],
  ['en plaza Mayor hay una plaga de palomas', 'es', 'plaza Mayor', 'landmark'],
  ['los columpios del parque de la Estación están rotos', 'es', 'parque de la Estación', 'landmark'],
  ['al parc de la Ciutadella hi ha brossa', 'ca', 'parc de la Ciutadella', 'landmark'],
  ['a la plaça de la Vila no hi ha llum', 'ca', 'plaça de la Vila', 'landmark'],
  ['the slide in Victoria Park is broken', 'en', 'Victoria Park', 'landmark'],
  ['mattress dumped on Bridge Street ten days ago', 'en', 'Bridge Street', 'street'],
  ['three paving stones missing at the corner of Elm and 3rd', 'en', 'corner of Elm and 3rd', 'intersection'],
  ['lights at Kings Road and Albert Street are stuck', 'en', 'Kings Road and Albert Street', 'intersection'],
  ["we need speed bumps outside St Mary's school", 'en', "outside St Mary's school", 'near'],
  ['the swing in the Memorial Park playground is broken', 'en', 'Memorial Park', 'landmark'],
  ["a la cantonada d'Aragó amb Muntaner falten rajoles", 'ca', "cantonada d'Aragó amb Muntaner", 'intersection'],
  ['el camí del parc del Clot està a les fosques', 'ca', 'parc del Clot', 'landmark'],
];

// Messages that name no place a crew could find.
const NO_PLACE: ReadonlyArray<[string, Locale]> = [
  ['hola, la farola de la calle no funciona', 'es'],
  ['¿cuánto tarda el ayuntamiento en tapar un bache desde que se avisa?', 'es'],
  ['hay un charco delante de mi portal', 'es'],
  ['la farola de mi calle sigue sin luz', 'es'],
  ['the new LED street light is too bright', 'en'],
  ['el parque infantil tiene la valla rota', 'es'],
  ["el fanal de davant de casa no s'encén", 'ca'],
  ['hola', 'es'],
  ['cobbles on the lane behind the church wobble', 'en'],
  ['hanging branch outside number 30', 'en'],
  ["el carrer de baix no té llum", 'ca'],
];

describe('extractPlace', () => {
  it.each(PLACES)('finds the place in "%s"', (text, locale, place, kind) => {
    const found = extractPlace(text, locale);
    expect(found?.text).toBe(place);
    expect(found?.kind).toBe(kind);
    // As written: a piece of the message, where it says it is.
    expect(text.slice(found!.index, found!.index + found!.text.length)).toBe(place);
  });

  it.each(NO_PLACE)('finds no place in "%s"', (text, locale) => {
    expect(extractPlace(text, locale)).toBeUndefined();
  });

  it('splits an address into street and number, and does not take a quantity for a number', () => {
    expect(extractPlace('farola apagada en la calle Colón 12', 'es')).toMatchObject({ street: 'calle Colón', number: '12' });
    expect(extractPlace('en calle Mayor 3 días sin luz', 'es')).toMatchObject({ text: 'calle Mayor', kind: 'street' });
    expect(extractPlace('on Main Street 2 weeks ago', 'en')).toMatchObject({ text: 'Main Street' });
  });

  it('prefers an address, then an intersection, over a landmark or a bare street named in the same message', () => {
    expect(extractPlace('en la calle Mayor, a la altura de calle Colón 12', 'es')?.text).toBe('calle Colón 12');
    expect(extractPlace('está en la calle Mayor 3, frente a la farmacia', 'es')?.text).toBe('calle Mayor 3');
    expect(extractPlace('en la plaza Mayor, en la esquina de Mitre y Belgrano', 'es')?.text).toBe('esquina de Mitre y Belgrano');
  });
});

describe('extractDescription', () => {
  it('drops greeting and thanks around the report, keeping the place', () => {
    expect(extractDescription('Hola buenas, hay una farola apagada en la calle Colón 12, gracias')).toBe('Hay una farola apagada en la calle Colón 12');
    expect(extractDescription('Bon dia! el fanal del carrer Major 3 no funciona. Moltes gràcies')).toBe('El fanal del carrer Major 3 no funciona');
    expect(extractDescription('Hi there, the lamp outside 5 Main Street is out. Thanks!')).toBe('The lamp outside 5 Main Street is out');
  });

  it('keeps the message as written when there is nothing to drop', () => {
    expect(extractDescription('farola rota en la plaza Mayor')).toBe('farola rota en la plaza Mayor');
    expect(extractDescription('hola')).toBe('hola');
  });
});

describe('describesProblem', () => {
  it('says whether something is said besides the place', () => {
    expect(describesProblem('farola apagada en calle Colón 12', extractPlace('farola apagada en calle Colón 12'))).toBe(true);
    expect(describesProblem('Calle Colón 12', extractPlace('Calle Colón 12'))).toBe(false);
    expect(describesProblem('hola, buenas')).toBe(false);
  });
});

describe('nonAnswer', () => {
  it.each([
    ['sí', 'yes'], ['Sí', 'yes'], ['vale', 'yes'], ['yes', 'yes'],
    ['no sé', 'dontKnow'], ['ni idea', 'dontKnow'], ['no ho sé', 'dontKnow'], ["I don't know", 'dontKnow'],
    ['ya te lo di', 'alreadyGiven'], ['ya te lo di antes', 'alreadyGiven'], ['ya lo dije', 'alreadyGiven'], ['lo puse arriba', 'alreadyGiven'],
    ["ja t'ho he dit", 'alreadyGiven'], ['I already told you', 'alreadyGiven'], ['see above', 'alreadyGiven'],
  ])('"%s" is not an answer (%s)', (text, kind) => {
    expect(nonAnswer(text)).toBe(kind);
  });

  it.each(['calle Mayor 3', 'Ana 600 111 222', 'ana@example.org', 'la farola está rota', 'no'])('"%s" may be an answer', (text) => {
    expect(nonAnswer(text)).toBeUndefined();
  });
});
