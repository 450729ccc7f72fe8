import type { AppointmentProcedure } from '../catalog/appointments-schema';
import { normalize } from './classify/normalize';

/** Letters two words must share at their start to be of one family ("empadron-arme", "empadron-amiento"). */
const STEM = 6;
/** Words of a name too short to tell a procedure by ("de", "del", "DNI" counts: it is whole). */
const MIN_WORD = 3;

/**
 * The procedure a message names, in any of the catalog's languages: by its name ("cita para
 * empadronamiento"), else — when exactly one procedure fits — by words of the same family as every word
 * of its name ("cita para empadronarme", "quiero registrar unos documentos"), so the citizen is not asked
 * what they already said.
 *
 * @example procedureNamedIn('cita para empadronarme cerca de la plaza', plan.procedures)?.code // 'empadronamiento'
 */
export function procedureNamedIn(text: string, procedures: readonly AppointmentProcedure[]): AppointmentProcedure | undefined {
  const said = ` ${normalize(text)} `;
  const named = procedures.find((p) => Object.values(p.names).some((n) => said.includes(` ${normalize(n)} `)));
  if (named) return named;
  const words = said.trim().split(' ');
  const akin = procedures.filter((p) => Object.values(p.names).some((n) => nameAkin(normalize(n), words)));
  return akin.length === 1 ? akin[0] : undefined;
}

/** "cita", "turno", "appointment"… in any of our languages: a message about booking, if it also names a procedure. */
const APPOINTMENT_WORD = / (?:cita|citas|turno|turnos|cites|appointment|appointments) /;

/**
 * Whether a message asks for an appointment in its own words: an appointment word and a procedure of the
 * catalog ("cita para empadronarme", "turno para el registro de documentos"). Commands catch the set
 * phrases ("pedir cita"); this catches the rest without taking "cita para la ITV" (no such procedure) away
 * from the knowledge base.
 */
export function asksForAppointment(text: string, procedures: readonly AppointmentProcedure[] | undefined): boolean {
  return procedures !== undefined && APPOINTMENT_WORD.test(` ${normalize(text)} `) && procedureNamedIn(text, procedures) !== undefined;
}

/** Every word of the name (of MIN_WORD letters or more) has a word of its family in the message. */
function nameAkin(name: string, words: readonly string[]): boolean {
  const significant = name.split(' ').filter((w) => w.length >= MIN_WORD);
  return significant.length > 0 && significant.every((w) => words.some((x) => sameFamily(w, x)));
}

function sameFamily(a: string, b: string): boolean {
  if (a === b) return true;
  const need = Math.min(STEM, a.length, b.length);
  if (need < STEM) return false; // a short word must be the very word
  return a.slice(0, need) === b.slice(0, need);
}
