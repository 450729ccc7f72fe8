import { describe, expect, it } from 'vitest';
import { followUpIn } from '../../dialogs/conversation/follow-up';

describe('followUpIn', () => {
  it('reads the topic of a question about something reported before, in es (Spain and Argentina), ca and en', () => {
    const cases: Array<[string, string]> = [
      ['¿Cómo va lo de la farola?', 'farola'],
      ['hola, ¿cómo va lo de la farola?', 'farola'],
      ['Cómo va lo mío de la farola', 'farola'],
      ['que pasa con el bache que avisé', 'bache'],
      ['qué pasó con mi queja del ruido', 'ruido'],
      ['que sabeis de mi aviso del arbol', 'arbol'],
      ['hay novedades de la farola que reporté?', 'farola'],
      ['Buenas, ¿cómo va lo del árbol caído?', 'arbol caido'],
      ['com va allò del fanal?', 'fanal'],
      ['com està allò del contenidor?', 'contenidor'],
      ['que hi ha de nou amb el meu avís del fanal', 'fanal'],
      ['what about my streetlight report', 'streetlight'],
      ["what's happening with my pothole report", 'pothole'],
      ['any update on the streetlight i reported?', 'streetlight'],
      ['how is my request about the broken bench going?', 'broken bench'],
    ];
    expect(cases.map(([text]) => followUpIn(text)?.topic)).toEqual(cases.map(([, topic]) => topic));
  });

  it('leaves reports, questions about the city and questions about all tickets alone', () => {
    const notFollowUps = [
      '¿qué pasa con la farola? lleva una semana apagada',
      '¿Cómo está la calle Mayor? hay un bache',
      'como van las obras de la plaza?',
      'como va todo',
      '¿cómo va mi reclamo?',
      'hay una farola rota en la calle Colón 12',
      'what about the bins in my street, they were not collected',
      'how is the council going to fix the potholes?',
      'el fanal del carrer Major no funciona',
      'ALU-2026-000001',
    ];
    expect(notFollowUps.map((text) => followUpIn(text))).toEqual(notFollowUps.map(() => undefined));
  });
});
