import type { Catalog } from '../catalog/schema';
import type { HandoffSummary } from './engine-deps';
import { descriptionOf, type IntakeDraft } from './intake-draft';

/**
 * The intake draft being collected when the citizen asked for a person, found in the dialog stack.
 *
 * The draft lives in the state of whichever intake step is running (the main waterfall's values,
 * the field loop's options, the summary's options). botbuilder keeps a stack with the active dialog
 * last, and a waterfall's `values` after its `options`, so the last draft met in document order is
 * the most complete one.
 */
export function draftInStack(state: unknown): IntakeDraft | undefined {
  let found: IntakeDraft | undefined;
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (isDraft(node)) found = node;
    else for (const child of Array.isArray(node) ? node : Object.values(node)) visit(child);
  };
  visit(state);
  return found;
}

function isDraft(o: object): o is IntakeDraft {
  const d = o as Partial<IntakeDraft>;
  return typeof d.key === 'string' && Array.isArray(d.texts) && Array.isArray(d.asked) && Array.isArray(d.photos);
}

/** What an agent should see first of a draft: type, service, where, what, photos, contact. */
export function summaryOfDraft(draft: IntakeDraft | undefined, catalog: Catalog): HandoffSummary {
  if (!draft) return {};
  const service = catalog.services.find((s) => s.code === draft.service);
  const description = descriptionOf(draft);
  const point = draft.location?.point;
  return {
    ...(draft.type ? { type: draft.type } : {}),
    ...(service ? { service: service.code } : {}),
    ...(description ? { description } : {}),
    ...(draft.location?.address ? { address: draft.location.address } : {}),
    ...(point ? { point: { lat: point.latitude, lon: point.longitude } } : {}),
    ...(draft.photos.length > 0 ? { photos: draft.photos.map((p) => p.url) } : {}),
    ...(draft.contact ? { contact: draft.contact } : {}),
    ...(service?.hazard ? { hazard: true } : {}),
  };
}

/** The team that owns the draft's service, or the city's default desk when no service is known (or only guessed). */
export function teamFor(draft: IntakeDraft | undefined, catalog: Catalog): string {
  if (draft?.unclassified) return catalog.handoff.defaultTeam;
  return catalog.services.find((s) => s.code === draft?.service)?.team ?? catalog.handoff.defaultTeam;
}

export { teamName } from './team-name';
