import { describe, expect, it } from 'vitest';
import { datetimeAnswer } from '../../dialogs/datetime-answer';

// A fixed clock: 2026-12-03 23:30 in Madrid is already the 3rd there but 22:30 UTC.
const NOW = new Date('2026-12-03T22:30:00Z');
const MADRID = 'Europe/Madrid';
const read = (text: string, now = NOW, tz = MADRID) => datetimeAnswer(text, now, tz);

describe('a citizen\'s answer to a datetime question', () => {
  it('reads written dates day first, ISO dates and times, with the city\'s offset', () => {
    expect(read('3/12/2026 10:30')).toBe('2026-12-03T10:30:00+01:00');
    expect(read('03-12-26 a las 9')).toBe('2026-12-03T09:00:00+01:00');
    expect(read('2026-07-15 18:05')).toBe('2026-07-15T18:05:00+02:00'); // summer time
    expect(read('el 1.7 sobre las 8')).toBe('2026-07-01T08:00:00+02:00');
    expect(read('3/12/2026')).toBe('2026-12-03T00:00:00+01:00');
    expect(read('15/8/2026 at 9 pm')).toBe('2026-08-15T21:00:00+02:00');
    expect(read('10/11/2026 a las 22h')).toBe('2026-11-10T22:00:00+01:00');
  });

  it('reads today, yesterday and the day before in es/ca/en on the city\'s calendar', () => {
    expect(read('ayer a las 10')).toBe('2026-12-02T10:00:00+01:00');
    expect(read('Ahir a les 7:15')).toBe('2026-12-02T07:15:00+01:00');
    expect(read('yesterday')).toBe('2026-12-02T00:00:00+01:00');
    expect(read('anteayer')).toBe('2026-12-01T00:00:00+01:00');
    expect(read('hoy 8:30')).toBe('2026-12-03T08:30:00+01:00');
    expect(read('a las 14:00')).toBe('2026-12-03T14:00:00+01:00');
    // The same instant is still the 3rd in Buenos Aires (-03:00).
    expect(read('hoy a las 10', NOW, 'America/Argentina/Buenos_Aires')).toBe('2026-12-03T10:00:00-03:00');
    // On the 1st of January, yesterday is in the previous year.
    expect(read('ayer', new Date('2027-01-01T09:00:00Z'))).toBe('2026-12-31T00:00:00+01:00');
  });

  it('refuses what a back office could not read', () => {
    for (const text of ['el martes', 'hace un rato', 'no sé', '31/2/2026', '3/13/2026', '3/12/2026 25:00', 'a las 9:75', '', 'sí']) {
      expect(read(text), text).toBeUndefined();
    }
  });
});
