/**
 * The widget's own chrome texts (buttons, labels, status lines). Bot sentences never live here:
 * they come from the dialogs in the citizen's language.
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
  you: 'You',
  bot: 'City council',
  image: 'Image',
  suggestions: 'Suggested replies',
  unread: 'new messages',
};

const TABLE: Record<Locale, Texts> = { es, ca, en };

/** Accepts `es`, `ca-ES`, `EN`…; anything unknown falls back to Spanish. */
export function resolveLocale(raw: string | null | undefined): Locale {
  const base = (raw ?? '').toLowerCase().split(/[-_]/)[0];
  return base === 'ca' || base === 'en' ? base : 'es';
}

export function textsFor(locale: Locale): Texts {
  return TABLE[locale];
}
