import { describe, expect, it } from 'vitest';
import { isSkip, parseContact } from '../../../dialogs/answers';
import { loadCatalog } from '../../../catalog/load-catalog';
import { commandIn, emergencyMatcher, interruptionIn, menuLocaleOf, referenceIn } from '../../../dialogs/intents';

describe('interruption commands', () => {
  it('recognizes help in every language, only as the whole message', () => {
    for (const text of ['ayuda', 'Ajuda', 'help', '/help', '¿Ayuda?']) expect(interruptionIn(text)).toEqual({ kind: 'help' });
    expect(interruptionIn('necesito ayuda con un bache en mi calle')).toBeUndefined();
  });

  it('recognizes cancel and start over in every language', () => {
    for (const text of ['cancelar', 'Empezar de nuevo', 'cancel·lar', 'cancel', 'start over', '/start', 'tornar a començar']) {
      expect(interruptionIn(text)).toEqual({ kind: 'cancel' });
    }
  });

  it('recognizes a language switch with or without a target', () => {
    expect(interruptionIn('english please')).toEqual({ kind: 'language', locale: 'en' });
    expect(interruptionIn('En català')).toEqual({ kind: 'language', locale: 'ca' });
    expect(interruptionIn('en español')).toEqual({ kind: 'language', locale: 'es' });
    expect(interruptionIn('háblame en inglés')).toEqual({ kind: 'language', locale: 'en' });
    expect(interruptionIn('/lang ca')).toEqual({ kind: 'language', locale: 'ca' });
    expect(interruptionIn('idioma')).toEqual({ kind: 'language' });
    expect(interruptionIn('/lang')).toEqual({ kind: 'language' });
  });

  it('does not take a city or a sentence for a language switch', () => {
    expect(interruptionIn('valencia')).toBeUndefined();
    expect(interruptionIn('en valencià')).toEqual({ kind: 'language', locale: 'ca' });
    expect(interruptionIn('el profesor de inglés aparcó en el vado')).toBeUndefined();
  });
});

describe('commands that start something', () => {
  it('finds a reference in any case inside a question', () => {
    expect(referenceIn('¿cómo va mi reclamo alu-2026-000012?')).toBe('ALU-2026-000012');
    expect(commandIn('ALU-2026-000012')).toEqual({ kind: 'status', reference: 'ALU-2026-000012' });
    expect(referenceIn('ALU-26-12')).toBeUndefined();
  });

  it('recognizes "my tickets" in every language and the status question with no reference', () => {
    for (const text of ['mis tickets', 'Mis reclamos', 'els meus tiquets', 'my tickets', '/tickets', '¿Cómo va mi reclamo?', 'com va la meva queixa?', 'how is my complaint going?']) {
      expect(commandIn(text)).toEqual({ kind: 'myTickets' });
    }
  });

  it('leaves reports alone even when they mention state or tickets', () => {
    expect(commandIn('¿cómo está mi calle? llena de baches')).toBeUndefined();
    expect(commandIn('el estado de la acera de la calle Mayor es lamentable, hay baldosas sueltas por todas partes')).toBeUndefined();
    expect(commandIn('Hay una farola apagada en la calle Colón 12')).toBeUndefined();
  });

  it('recognizes a request for a copy of one\'s data in every language, and not a report that mentions data', () => {
    for (const text of ['Quiero una copia de mis datos, por favor', '¿qué datos tenéis de mí?', 'vull una còpia de les meves dades', 'Can I get a copy of my data?', 'download my data', '/mydata']) {
      expect(commandIn(text), text).toEqual({ kind: 'myData' });
    }
    expect(commandIn('los datos de la web sobre mis datos personales de la calle Mayor están mal y además la farola del número 3 lleva días apagada')).toBeUndefined();
    expect(commandIn('la farola de mi calle no funciona')).toBeUndefined();
  });

  it('recognizes a request to erase one\'s data in every language, before a copy, and not a report about erasing something else', () => {
    for (const text of [
      'quiero que borréis mis datos', 'Quiero que borren todos mis datos personales, por favor', 'eliminad mis datos', 'borrar mis datos', 'derecho al olvido',
      'esborreu les meves dades', 'vull que esborreu totes les meves dades', 'elimineu les meves dades',
      'delete my data', 'Please erase all my personal data', 'remove my information', 'right to be forgotten', '/erase',
    ]) {
      expect(commandIn(text), text).toEqual({ kind: 'eraseData' });
    }
    expect(commandIn('quiero una copia de mis datos')).toEqual({ kind: 'myData' });
    expect(commandIn('han borrado el paso de cebra de la calle Mayor y nadie ve por dónde cruzar')).toBeUndefined();
    expect(commandIn('hay pintadas en la fachada del colegio, ¿podéis borrarlas?')).toBeUndefined();
  });

  it('recognizes the greeting buttons and their language', () => {
    expect(commandIn('Hacer un reclamo')).toEqual({ kind: 'report' });
    expect(commandIn('Veure els meus tiquets')).toEqual({ kind: 'myTickets' });
    expect(menuLocaleOf('Ver mis tickets')).toBe('es');
    expect(menuLocaleOf('Fer una queixa')).toBe('ca');
    expect(menuLocaleOf('See my tickets')).toBe('en');
    expect(menuLocaleOf('hola')).toBeUndefined();
  });
});

describe('emergencies', () => {
  const isEmergency = emergencyMatcher(loadCatalog('config/catalog.yaml'));

  it('matches the catalog phrases inside a longer message, without accents or case', () => {
    expect(isEmergency('SOCORRO!!! huele a gas en toda la escalera')).toBe(true);
    expect(isEmergency('hay fuego')).toBe(true);
  });

  it('matches whole words only and ignores ordinary reports', () => {
    expect(isEmergency('hay fuegos artificiales en la plaza a las 3 de la mañana')).toBe(false);
    expect(isEmergency('Hay una farola apagada en la calle Colón 12')).toBe(false);
  });
});

describe('answers', () => {
  it('reads "no" and its friends as skipping an optional question', () => {
    for (const text of ['no', 'No, gracias', 'nop', 'skip', 'cap', 'no thanks']) expect(isSkip(text)).toBe(true);
    expect(isSkip('Calle Nou 3')).toBe(false);
  });

  it('splits a contact line into name, phone and email', () => {
    expect(parseContact('Ana, 612 345 678')).toEqual({ name: 'Ana', phone: '612345678' });
    expect(parseContact('me llamo Pere i el meu correu és pere@example.cat')).toEqual({ name: 'Pere', email: 'pere@example.cat' });
    expect(parseContact('+34 600-111-222')).toEqual({ phone: '+34600111222' });
    expect(parseContact("I'm John Smith, my phone is 07700 900123")).toEqual({ name: 'John Smith', phone: '07700900123' });
  });
});
