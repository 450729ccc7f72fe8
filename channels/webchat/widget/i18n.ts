/**
 * The widget's own chrome texts (buttons, labels, status lines, errors, alt texts). Bot sentences
 * never live here: they come from the dialogs in the citizen's language, and the widget follows that
 * language (see language.ts), so its own texts change when the conversation does.
 */
export type Locale = 'es' | 'ca' | 'en';

export interface Texts {
  title: string;
  open: string;
  close: string;
  log: string;
  inputLabel: string;
  placeholder: string;
  send: string;
  location: string;
  photo: string;
  typing: string;
  connecting: string;
  reconnecting: string;
  offline: string;
  sendFailed: string;
  retry: string;
  locationDenied: string;
  uploadFailed: string;
  /** Said (to screen readers) while a photo is on its way. */
  uploading: string;
  /** Before uploading: the file is over the server's limit ({mb} megabytes). */
  photoTooLarge: string;
  you: string;
  bot: string;
  image: string;
  suggestions: string;
  unread: string;
}

const es: Texts = {
  title: 'Atención ciudadana',
  open: 'Abrir el chat de atención ciudadana',
  close: 'Cerrar el chat',
  log: 'Conversación',
  inputLabel: 'Escribe tu mensaje',
  placeholder: 'Escribe tu mensaje…',
  send: 'Enviar',
  location: 'Compartir ubicación',
  photo: 'Adjuntar foto',
  typing: 'Escribiendo…',
  connecting: 'Conectando…',
  reconnecting: 'Conexión perdida. Reconectando…',
  offline: 'No se ha podido conectar. Reintentando…',
  sendFailed: 'No se ha enviado.',
  retry: 'Reintentar',
  locationDenied: 'No se ha podido obtener tu ubicación.',
  uploadFailed: 'No se ha podido subir la foto.',
  uploading: 'Subiendo la foto…',
  photoTooLarge: 'La foto ocupa demasiado: el máximo es de {mb} MB.',
  you: 'Tú',
  bot: 'Ayuntamiento',
  image: 'Imagen',
  suggestions: 'Respuestas sugeridas',
  unread: 'mensajes nuevos',
};

const ca: Texts = {
  title: 'Atenció ciutadana',
  open: "Obrir el xat d'atenció ciutadana",
  close: 'Tancar el xat',
  log: 'Conversa',
  inputLabel: 'Escriu el teu missatge',
  placeholder: 'Escriu el teu missatge…',
  send: 'Enviar',
  location: 'Compartir la ubicació',
  photo: 'Adjuntar una foto',
  typing: 'Escrivint…',
  connecting: 'Connectant…',
  reconnecting: "S'ha perdut la connexió. Reconnectant…",
  offline: "No s'ha pogut connectar. Reintentant…",
  sendFailed: "No s'ha enviat.",
  retry: 'Tornar-ho a provar',
  locationDenied: "No s'ha pogut obtenir la teva ubicació.",
  uploadFailed: "No s'ha pogut pujar la foto.",
  uploading: 'Pujant la foto…',
  photoTooLarge: 'La foto ocupa massa: el màxim és de {mb} MB.',
  you: 'Tu',
  bot: 'Ajuntament',
  image: 'Imatge',
  suggestions: 'Respostes suggerides',
  unread: 'missatges nous',
};

const en: Texts = {
  title: 'Citizen services',
  open: 'Open the citizen services chat',
  close: 'Close the chat',
  log: 'Conversation',
  inputLabel: 'Type your message',
  placeholder: 'Type your message…',
  send: 'Send',
  location: 'Share location',
  photo: 'Attach photo',
  typing: 'Typing…',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  offline: 'Could not connect. Retrying…',
  sendFailed: 'Not sent.',
  retry: 'Retry',
  locationDenied: 'Could not get your location.',
  uploadFailed: 'Could not upload the photo.',
  uploading: 'Uploading the photo…',
  photoTooLarge: 'The photo is too large: the maximum is {mb} MB.',
  you: 'You',
  bot: 'City council',
  image: 'Image',
  suggestions: 'Suggested replies',
  unread: 'new messages',
};

const TABLE: Record<Locale, Texts> = { es, ca, en };

/** Accepts `es`, `ca-ES`, `EN`…; anything unknown falls back to Spanish. */
export function resolveLocale(raw: string | null | undefined): Locale {
  return localeOfTag(raw) ?? 'es';
}

/** `es-ES`, `es-AR`, `ca`, `en-GB` → es, ca, en; a language the widget has no texts for → undefined. */
export function localeOfTag(raw: string | null | undefined): Locale | undefined {
  const base = (raw ?? '').toLowerCase().split(/[-_]/)[0];
  return base === 'es' || base === 'ca' || base === 'en' ? base : undefined;
}

export function textsFor(locale: Locale): Texts {
  return TABLE[locale];
}
