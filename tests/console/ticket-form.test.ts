import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../bot/errors';
import { ticketPlace } from '../../console/ticket-form';

const summary = { address: 'calle Colón 12', point: { lat: 41.38879, lon: 2.15899 }, photos: ['/media/a.png', '/media/b.png'] };

describe("a console ticket's place and photos", () => {
  it("keeps the bot's address, point and every photo when the form sends none of them (older consoles)", () => {
    expect(ticketPlace(summary, {})).toEqual({
      location: { address: 'calle Colón 12', point: { latitude: 41.38879, longitude: 2.15899 } },
      attachments: [{ url: '/media/a.png', contentType: 'image/jpeg' }, { url: '/media/b.png', contentType: 'image/jpeg' }],
    });
  });

  it("takes the agent's address, removes the point on null, and attaches only the photos picked (once each)", () => {
    expect(ticketPlace(summary, { address: 'Carrer de Colom, 12', point: null, photos: [1, 1] })).toEqual({
      location: { address: 'Carrer de Colom, 12' },
      attachments: [{ url: '/media/b.png', contentType: 'image/jpeg' }],
    });
  });

  it('has no location when the agent empties the address and the point', () => {
    expect(ticketPlace(summary, { address: '', point: null, photos: [] })).toEqual({ attachments: [] });
  });

  it('refuses a photo the conversation does not have: nothing from the browser becomes an attachment', () => {
    expect(() => ticketPlace(summary, { photos: [2] })).toThrow(BadInputError);
  });
});
