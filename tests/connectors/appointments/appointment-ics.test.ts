import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { AppointmentOfficeSchema } from '../../../catalog/appointments-schema';
import { appointmentIcs } from '../../../connectors/appointments/appointment-ics';
import type { Appointment } from '../../../connectors/appointments/appointments-connector';

const office = AppointmentOfficeSchema.parse({
  code: 'oac-centro',
  name: 'Oficina de Atención Ciudadana; Centro',
  address: 'Plaza del Ayuntamiento, 1, 46002 València',
  lat: 39.4699,
  lon: -0.3763,
  hours: { sun: '00:00-06:00' },
  placesPerSlot: 3,
});

const appointment = (start: string, over: Partial<Appointment> = {}): Appointment => ({
  id: '6f1c1f4e-9a57-4a8e-9d59-3c3f6f0d2a10',
  reference: 'CITA-7KM3QX',
  procedure: 'empadronamiento',
  office: 'oac-centro',
  start: new Date(start),
  end: new Date(Date.parse(start) + 30 * 60_000),
  status: 'booked',
  citizenId: 'c-1',
  conversationKey: 'telegram:42',
  locale: 'es',
  sequence: 0,
  createdAt: new Date('2027-03-01T10:00:00Z'),
  updatedAt: new Date('2027-03-01T10:00:00Z'),
  ...over,
});
const texts = {
  summary: 'Cita: Empadronamiento',
  description: 'Referencia CITA-7KM3QX.\nTraiga su DNI, y el contrato de alquiler; gracias.',
  reminder: 'Mañana tiene cita: Empadronamiento',
};
const opts = { domain: 'bot.ciudad.example', now: new Date('2027-03-01T10:00:05Z') };

/** The file's one VEVENT, parsed by ical.js (Mozilla's RFC 5545 parser). */
function parsed(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const event = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, event, alarm: event.getFirstSubcomponent('valarm') };
}
const utc = (event: ICAL.Component, name: string) => {
  const time = event.getFirstPropertyValue(name) as ICAL.Time;
  return { iso: time.toJSDate().toISOString(), zone: time.zone?.tzid };
};

describe('appointmentIcs', () => {
  it('writes one RFC 5545 VEVENT with UID, DTSTAMP, UTC times, summary, location and description', () => {
    const ics = appointmentIcs(appointment('2027-03-02T08:00:00Z'), office, texts, opts);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true); // folded
    expect(ics).toMatch(/\r\nDTSTART:20270302T080000Z\r\n/);
    const { calendar, event } = parsed(ics);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(event.getFirstPropertyValue('uid')).toBe('6f1c1f4e-9a57-4a8e-9d59-3c3f6f0d2a10@bot.ciudad.example');
    expect(utc(event, 'dtstamp')).toEqual({ iso: '2027-03-01T10:00:05.000Z', zone: 'UTC' });
    expect(utc(event, 'dtstart')).toEqual({ iso: '2027-03-02T08:00:00.000Z', zone: 'UTC' });
    expect(utc(event, 'dtend')).toEqual({ iso: '2027-03-02T08:30:00.000Z', zone: 'UTC' });
    expect(event.getFirstPropertyValue('summary')).toBe('Cita: Empadronamiento');
    expect(event.getFirstPropertyValue('description')).toBe(texts.description);
    expect(event.getFirstPropertyValue('location')).toBe('Oficina de Atención Ciudadana; Centro\nPlaza del Ayuntamiento, 1, 46002 València');
    expect(event.getFirstPropertyValue('geo')).toEqual([39.4699, -0.3763]);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
  });

  it('reminds the day before with a display alarm', () => {
    const { alarm } = parsed(appointmentIcs(appointment('2027-03-02T08:00:00Z'), office, texts, opts));
    expect(alarm?.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(String(alarm?.getFirstPropertyValue('trigger'))).toBe('-P1D');
    expect(alarm?.getFirstPropertyValue('description')).toBe('Mañana tiene cita: Empadronamiento');
  });

  it('places appointments right across DST: after spring forward, and in both of the repeated hour', () => {
    // 28 March 2027 03:00 CEST is 01:00 UTC; 31 October 2027 02:00 CEST and 02:00 CET are 00:00 and 01:00 UTC.
    for (const [start, local] of [['2027-03-28T01:00:00Z', '03:00'], ['2027-10-31T00:00:00Z', '02:00'], ['2027-10-31T01:00:00Z', '02:00']] as const) {
      const { event } = parsed(appointmentIcs(appointment(start), office, texts, opts));
      const at = new Date(utc(event, 'dtstart').iso);
      expect(at.toISOString()).toBe(new Date(start).toISOString());
      expect(new Intl.DateTimeFormat('es', { timeZone: 'Europe/Madrid', hour: '2-digit', minute: '2-digit' }).format(at)).toBe(local);
      expect(new Date(utc(event, 'dtend').iso).getTime() - at.getTime()).toBe(30 * 60_000);
    }
  });

  it('replaces the first file when the appointment is moved (same UID, higher SEQUENCE) or cancelled (no alarm)', () => {
    const moved = parsed(appointmentIcs(appointment('2027-03-04T08:00:00Z', { sequence: 1 }), office, texts, opts)).event;
    expect(moved.getFirstPropertyValue('uid')).toBe('6f1c1f4e-9a57-4a8e-9d59-3c3f6f0d2a10@bot.ciudad.example');
    expect(moved.getFirstPropertyValue('sequence')).toBe(1);
    const cancelled = parsed(appointmentIcs(appointment('2027-03-04T08:00:00Z', { sequence: 2, status: 'cancelled' }), office, texts, opts));
    expect(cancelled.event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.alarm).toBeNull();
  });
});
