import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/load-catalog';
import { asksForAppointment, procedureNamedIn } from '../../dialogs/appointment-procedure';

// Which procedure a booking message names, on the shipped catalog (Empadronamiento; Registro de documentos).
const procedures = loadCatalog('config/catalog.yaml').appointments!.procedures;
const named = (text: string) => procedureNamedIn(text, procedures)?.code;

describe('procedureNamedIn', () => {
  it('finds a procedure by its name in any language', () => {
    expect(named('quiero cita previa para empadronamiento')).toBe('empadronamiento');
    expect(named('vull demanar cita per a registre de documents')).toBe('registro');
    expect(named('I need an appointment for census registration')).toBe('empadronamiento');
  });

  it('finds it by words of the same family as every word of its name', () => {
    expect(named('cita para empadronarme cerca de la plaza del Ayuntamiento')).toBe('empadronamiento');
    expect(named('quiero cita para registrar unos documentos')).toBe('registro');
    expect(named("vull cita per empadronar-me")).toBe('empadronamiento');
  });

  it('names none when nothing fits, or when a word alone fits', () => {
    expect(named('quiero pedir cita')).toBeUndefined();
    expect(named('quiero cita para registrar algo')).toBeUndefined();
    expect(named('necesito cita para el documento')).toBeUndefined();
  });

  it('tells a message asking for an appointment in its own words: an appointment word and a procedure', () => {
    expect(asksForAppointment('cita para empadronarme cerca de la plaza del Ayuntamiento', procedures)).toBe(true);
    expect(asksForAppointment('turno para el registro de documentos', procedures)).toBe(true);
    // A question about something the city gives no appointments for stays with the knowledge base.
    expect(asksForAppointment('cita para la itv del coche', procedures)).toBe(false);
    expect(asksForAppointment('quiero empadronarme, ¿qué papeles necesito?', procedures)).toBe(false);
    expect(asksForAppointment('cita para empadronarme', undefined)).toBe(false);
  });
});
