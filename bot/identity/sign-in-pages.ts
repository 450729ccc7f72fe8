/** The few HTML pages of sign-in, in es/ca/en; every text is escaped and nothing is cached. */
export type PageKind = 'expired' | 'refused' | 'verified' | 'failed';
type Lang = 'es' | 'ca' | 'en';

const TEXTS: Record<PageKind, Record<Lang, { title: string; body: string }>> = {
  expired: {
    es: { title: 'Enlace caducado', body: 'Este enlace de identificación ha caducado o ya se usó. Pide uno nuevo en el chat.' },
    ca: { title: 'Enllaç caducat', body: 'Aquest enllaç d’identificació ha caducat o ja s’ha fet servir. Demana’n un de nou al xat.' },
    en: { title: 'Link expired', body: 'This sign-in link has expired or was already used. Ask for a new one in the chat.' },
  },
  refused: {
    es: { title: 'Identificación rechazada', body: 'No hemos podido comprobar esta identificación. No se ha vinculado nada. Pide un enlace nuevo en el chat.' },
    ca: { title: 'Identificació rebutjada', body: 'No hem pogut comprovar aquesta identificació. No s’ha vinculat res. Demana un enllaç nou al xat.' },
    en: { title: 'Sign-in refused', body: 'We could not check this sign-in. Nothing was linked. Ask for a new link in the chat.' },
  },
  failed: {
    es: { title: 'Servicio no disponible', body: 'El servicio de identificación no responde. Inténtalo de nuevo más tarde.' },
    ca: { title: 'Servei no disponible', body: 'El servei d’identificació no respon. Torna-ho a provar més tard.' },
    en: { title: 'Service unavailable', body: 'The identity service is not answering. Please try again later.' },
  },
  verified: {
    es: { title: 'Identidad verificada', body: 'Ya estás identificado. Vuelve a tu conversación con el ayuntamiento.' },
    ca: { title: 'Identitat verificada', body: 'Ja estàs identificat. Torna a la teva conversa amb l’ajuntament.' },
    en: { title: 'Identity verified', body: 'You are verified. Go back to your chat with the city council.' },
  },
};

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A page in all three languages, Spanish first (the sign-in link may be opened outside the chat's locale). */
export function signInPage(kind: PageKind): string {
  const t = TEXTS[kind];
  const sections = (['es', 'ca', 'en'] as const)
    .map((l) => `<section lang="${l}"><h1>${escapeHtml(t[l].title)}</h1><p>${escapeHtml(t[l].body)}</p></section>`)
    .join('\n');
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(t.es.title)}</title></head><body>\n${sections}\n</body></html>`;
}
