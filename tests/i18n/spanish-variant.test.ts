import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/load-catalog';
import { CatalogSchema } from '../../catalog/schema';
import { formatDate, LOCALE_TAGS, spanishOverlay, spanishVariant, t, useSpanishVariant } from '../../dialogs/i18n';
import { textsFor } from '../../channels/webchat/widget/i18n';
import { offers, says, startEngine } from '../dialogs/engine/harness';
import { voseoIn } from './voseo';

const ROOT = join(__dirname, '../..');
const joined = { type: 'conversationUpdate', membersAdded: [{ id: 'user1', name: 'user1' }] };

// The variant is process-wide (one city per process): every test leaves Spain's Spanish behind.
afterEach(() => useSpanishVariant('es-ES'));

describe('the city chooses its Spanish in the catalog', () => {
  it('speaks tú unless the catalog says otherwise', () => {
    expect(spanishVariant()).toBe('es-ES');
    expect(t('es', 'intake.askPhoto')).toBe('¿Quieres adjuntar una foto? (o «no»)');
    expect(t('es', 'handoff.queued', { team: 'Alumbrado', position: 2, minutes: 5 })).toMatch(/^Te paso con una persona del equipo de Alumbrado\. Eres el número 2 en la cola/);
    expect(LOCALE_TAGS.es).toBe('es-ES');
  });

  it('speaks vos with es-AR, keeps the placeholders, and falls back to es for sentences the overlay lacks', () => {
    useSpanishVariant('es-AR');
    expect(t('es', 'intake.askPhoto')).toBe('¿Querés adjuntar una foto? (o «no»)');
    expect(t('es', 'handoff.queued', { team: 'Alumbrado', position: 2, minutes: 5 })).toMatch(/^Te paso con una persona del equipo de Alumbrado\. Sos el número 2 en la cola; la espera estimada es de unos 5 min/);
    // "choice.yes" is the same on both sides of the Atlantic, so es-AR has no sentence for it.
    expect(spanishOverlay('es-AR')).not.toHaveProperty('choice.yes');
    expect(t('es', 'choice.yes')).toBe('Sí');
    // Only Spanish changes.
    expect(t('ca', 'intake.askPhoto')).toMatch(/^Vols adjuntar una foto/);
    expect(LOCALE_TAGS.es).toBe('es-AR');
    expect(formatDate('es', '2026-03-12T09:30:00Z', 'America/Argentina/Buenos_Aires')).toMatch(/12/);
  });

  it('switches back to tú', () => {
    useSpanishVariant('es-AR');
    useSpanishVariant('es-ES');
    expect(t('es', 'cancel.done')).toBe('Vale, lo dejamos aquí. Cuando quieras, cuéntame qué necesitas.');
  });

  it('accepts city.spanishVariant es-ES or es-AR (absent: es-ES) and rejects anything else', () => {
    const example = loadCatalog(join(ROOT, 'config/catalog.yaml'));
    expect(example.city.spanishVariant).toBe('es-ES');
    const raw = structuredClone(example) as { city: Record<string, unknown> };
    raw.city['spanishVariant'] = 'es-AR';
    expect(CatalogSchema.parse(raw).city.spanishVariant).toBe('es-AR');
    delete raw.city['spanishVariant'];
    expect(CatalogSchema.parse(raw).city.spanishVariant).toBeUndefined();
    raw.city['spanishVariant'] = 'es-MX';
    const bad = CatalogSchema.safeParse(raw);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['city', 'spanishVariant']);
  });

  it('a conversation with the bot follows the variant: greeting, questions and the cancel reply', async () => {
    const engine = await startEngine();
    try {
      const menu = ['Hacer un reclamo', 'Ver mis tickets', 'Ayuda'];
      await engine.adapter({ locale: 'es-ES' }).send(joined).assertReply(offers(/Cuéntame un problema de tu barrio/, menu))
        .send('cancelar').assertReply(offers(/^Vale, lo dejamos aquí\. Cuando quieras, cuéntame qué necesitas\.$/, menu))
        .send('ayuda').assertReply(says(/Cuéntame el problema con tus palabras[\s\S]*Escribe el número de un trámite[\s\S]*llama al 112/))
        .startTest();
      useSpanishVariant('es-AR');
      await engine.adapter({ locale: 'es-AR' }).send(joined).assertReply(offers(/Contame un problema de tu barrio/, menu))
        .send('cancelar').assertReply(offers(/^Listo, lo dejamos acá\. Cuando quieras, contame qué necesitás\.$/, menu))
        .send('ayuda').assertReply(says(/Contame el problema con tus palabras[\s\S]*Escribí el número de un trámite[\s\S]*llamá al 112/))
        .startTest();
    } finally {
      await engine.close();
    }
  });
});

describe('no voseo in the other Spanish a citizen or an agent reads', () => {
  const sources = [
    'channels/webchat/widget/i18n.ts',
    'channels/webchat/widget-assets.ts',
    'console/ui/i18n.ts',
    // The handoff service's errors agents read are spread over its parts: every file of handoff/.
    ...readdirSync(join(ROOT, 'handoff')).filter((f) => f.endsWith('.ts')).map((f) => `handoff/${f}`),
    ...readdirSync(join(ROOT, 'config/knowledge/es')).map((f) => `config/knowledge/es/${f}`),
  ];

  it.each(sources)('%s', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const lines = text.split('\n').map((line, i) => ({ line: i + 1, voseo: voseoIn(line) })).filter((l) => l.voseo.length);
    expect(lines).toEqual([]);
  });

  it('the widget and the catalog texts shown to citizens (names, canned answers)', () => {
    expect(Object.values(textsFor('es')).flatMap(voseoIn)).toEqual([]);
    const catalog = loadCatalog(join(ROOT, 'config/catalog.yaml'));
    const shown = [
      ...catalog.services.map((s) => s.names.es),
      ...catalog.teams.map((team) => team.names.es),
      ...Object.values(catalog.types).map((type) => type.names.es),
      ...catalog.handoff.canned.flatMap((c) => [c.title, c.texts.es]),
    ];
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.flatMap(voseoIn)).toEqual([]);
  });
});
