import { describe, expect, it } from 'vitest';
import { fitChoices } from '../../../channels/render/fit-choices';
import { graphMessageOf } from '../../../channels/whatsapp-cloud/graph-message';
import { telegramLike, whatsappCloudLike } from './caps';

const offices = [
  { title: 'Oficina de Atención Ciudadana Centro · 1,2 km', value: 'oac-centro' },
  { title: 'Oficina de Atención Ciudadana Norte · 140 m', value: 'oac-norte' },
];

describe('fitting options to a channel', () => {
  it('short titles stay reply buttons on WhatsApp Cloud', () => {
    expect(fitChoices([{ title: 'Sí', value: 'yes' }, { title: 'No', value: 'no' }], whatsappCloudLike)).toEqual({
      style: 'buttons', options: [{ title: 'Sí', value: 'yes' }, { title: 'No', value: 'no' }],
    });
  });

  it('titles buttons would cut go in a list whose rows show the whole title: two offices named alike stay apart', () => {
    const fitted = fitChoices(offices, whatsappCloudLike);
    expect(fitted.style).toBe('list');
    expect(fitted.options.map((o) => o.title)).toEqual(['Oficina de Atención Ciu…', 'Oficina de Atención Ciu…']);
    expect(fitted.options.map((o) => o.description)).toEqual(offices.map((o) => o.title));
    expect(fitted.options.map((o) => o.value)).toEqual(['oac-centro', 'oac-norte']);
    const graph = graphMessageOf({ kind: 'text', text: '¿En qué oficina?', choices: fitted }, '34600000000', 'Elegir');
    expect(graph).toMatchObject({ type: 'interactive', interactive: { type: 'list', action: { sections: [{ rows: [
      { id: 'oac-centro', description: offices[0]!.title }, { id: 'oac-norte', description: offices[1]!.title },
    ] }] } } });
  });

  it('a channel with long button titles keeps them whole as buttons', () => {
    expect(fitChoices(offices, telegramLike)).toEqual({ style: 'buttons', options: offices });
  });
});
