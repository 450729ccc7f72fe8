import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { renderActivity } from '../../../channels/render';
import { plainNumbered, telegramLike, whatsappCloudLike } from './caps';

/*
 * A card's link button (an openUrl action: the video call's invitation, issue 15 part 2) becomes the
 * platform's own link button where the channel has one, and a "title: url" line where it has not.
 */

const URL_ = 'https://meet.example.org/citaabcdefghijklmnopqrstuvwxy?jwt=a.b.c';
const invite = (extra: Partial<Activity> = {}): Partial<Activity> => ({
  type: 'message', text: 'Ana te invita a una **videollamada**.',
  attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: 'Entrar en la llamada', value: URL_ }] } }],
  ...extra,
});
const linked = { ...telegramLike, linkButtons: true };

describe('renderActivity: link buttons', () => {
  it('gives the channel that has them one link button on the text, the URL kept out of the text', () => {
    expect(renderActivity(invite(), linked)).toEqual([{ kind: 'text', text: 'Ana te invita a una <b>videollamada</b>.', link: { title: 'Entrar en la llamada', url: URL_ } }]);
    const [wa] = renderActivity(invite(), { ...whatsappCloudLike, linkButtons: true });
    expect(wa).toMatchObject({ kind: 'text', text: 'Ana te invita a una *videollamada*.', link: { title: 'Entrar en la llamada' } });
  });

  it('cuts the title to the channel\'s button length, never the URL', () => {
    const long = invite({ attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: 'Entrar ahora mismo en la videollamada', value: URL_ }] } }] });
    const [m] = renderActivity(long, { ...whatsappCloudLike, linkButtons: true });
    expect(m).toMatchObject({ link: { title: 'Entrar ahora mismo…', url: URL_ } });
  });

  it('writes "title: url" after the text where the channel has no link buttons', () => {
    expect(renderActivity(invite(), plainNumbered)).toEqual([{ kind: 'text', text: `Ana te invita a una videollamada.\n\nEntrar en la llamada: ${URL_}` }]);
    expect(renderActivity(invite(), telegramLike)[0]).not.toHaveProperty('link');
  });

  it('writes the link in the text when the message also has reply buttons (they cannot share it)', () => {
    const both = invite({ suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Vale', value: 'Vale' }] } });
    const [m] = renderActivity(both, linked);
    expect(m).toMatchObject({ kind: 'text', choices: { style: 'buttons', options: [{ title: 'Vale', value: 'Vale' }] } });
    expect(m).not.toHaveProperty('link');
    expect(m?.kind === 'text' && m.text).toContain(`Entrar en la llamada: ${URL_}`);
  });

  it('drops links that are not http(s), and a button alone still makes a message', () => {
    const bad = invite({ attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: 'x', value: 'javascript:alert(1)' }] } }] });
    expect(renderActivity(bad, linked)).toEqual([{ kind: 'text', text: 'Ana te invita a una <b>videollamada</b>.' }]);
    expect(renderActivity(invite({ text: '' }), linked)).toEqual([{ kind: 'text', text: '', link: { title: 'Entrar en la llamada', url: URL_ } }]);
  });
});
