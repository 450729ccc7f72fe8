import { AppointmentsSchema, type Appointments } from '../../../catalog/appointments-schema';

/**
 * A small appointments catalog for store tests: `oac-centro` opens Monday to Friday 09:00-11:00 with
 * 3 places per slot (empadronamiento every 30 minutes: 4 slots a day), closed on 2027-03-03 (local
 * holiday); `oac-norte` attends only `registro`. Horizon: 14 days.
 */
export const testAppointments = (places = 3): Appointments =>
  AppointmentsSchema.parse({
    horizonDays: 14,
    offices: [
      {
        code: 'oac-centro', name: 'OAC Centro', address: 'Plaza del Ayuntamiento 1', lat: 39.4699, lon: -0.3763,
        hours: { mon: '09:00-11:00', tue: '09:00-11:00', wed: '09:00-11:00', thu: '09:00-11:00', fri: '09:00-11:00' },
        placesPerSlot: places, holidays: { local: ['2027-03-03'] },
      },
      {
        code: 'oac-norte', name: 'OAC Norte', address: 'Calle Mayor 45', lat: 39.4901, lon: -0.3702,
        hours: { mon: '09:00-10:00' }, placesPerSlot: 1,
      },
    ],
    procedures: [
      { code: 'empadronamiento', names: { es: 'Empadronamiento', ca: 'Empadronament', en: 'Census registration' }, offices: ['oac-centro'], slotMinutes: 30 },
      { code: 'registro', names: { es: 'Registro', ca: 'Registre', en: 'Registry' }, offices: ['oac-centro', 'oac-norte'], slotMinutes: 20 },
    ],
  });

/** Monday 1 March 2027, 07:00 in Madrid (06:00 UTC): before the office opens. */
export const MONDAY_EARLY = Date.parse('2027-03-01T06:00:00Z');
/** The slots of Tuesday 2 March 2027 for empadronamiento at oac-centro: 09:00, 09:30, 10:00, 10:30 Madrid. */
export const TUESDAY_SLOTS = ['2027-03-02T08:00:00.000Z', '2027-03-02T08:30:00.000Z', '2027-03-02T09:00:00.000Z', '2027-03-02T09:30:00.000Z'].map((s) => new Date(s));
