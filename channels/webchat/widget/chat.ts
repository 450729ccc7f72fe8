import { DirectLineError, type ConnectionStatus, type DirectLineClient } from './directline-client';
import type { Language } from './language';
import type { Draft, Transcript } from './render';
import { newId } from './session-store';
import type { DlAction, DlActivity } from './types';

/** The server's limit for one file (MAX_UPLOAD_BYTES in channels/webchat/uploads.ts; a test keeps them equal). */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/**
 * What the citizen does, turned into Direct Line activities: each one is drawn at once as a
 * draft, posted, and tied to its echo through `channelData.clientActivityID`.
 */
export class Chat {
  constructor(
    private readonly client: DirectLineClient,
    private readonly transcript: Transcript,
    private readonly language: Language,
  ) {}

  private shown: { status: ConnectionStatus; el: HTMLElement } | undefined;

  sendText(text: string): void {
    this.post({ text }, { text });
  }

  /** Suggested action: the bot receives the value, the citizen sees the title they clicked. */
  sendAction(action: DlAction): void {
    const value = action.value ?? action.text ?? action.title ?? '';
    const text = typeof value === 'string' ? value : (action.text ?? action.title ?? '');
    const shown = action.displayText ?? action.title ?? text;
    this.post({ text, ...(typeof value === 'string' ? {} : { value }) }, { text: shown });
  }

  shareLocation(): void {
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        const { latitude, longitude } = coords;
        const text = `📍 ${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
        const entities = [{ type: 'Place', geo: { type: 'GeoCoordinates', latitude, longitude } }];
        this.post({ text, entities }, { text });
      },
      () => this.transcript.notice('locationDenied'),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  }

  sendPhoto(file: File): void {
    const clientId = newId('c_');
    const preview = URL.createObjectURL(file);
    this.transcript.draft(clientId, { imageUrl: preview });
    const tooLarge = { mb: Math.round(MAX_PHOTO_BYTES / (1024 * 1024)) };
    // Sending what the server refuses anyway would only waste the citizen's data.
    if (file.size > MAX_PHOTO_BYTES) return this.transcript.fail(clientId, 'photoTooLarge', undefined, tooLarge);
    const attempt = (): void => {
      this.client
        .upload(file, this.activity(clientId, {}))
        .then((id) => this.transcript.ack(clientId, id))
        .catch((err: unknown) => {
          if (err instanceof DirectLineError && err.status === 413) this.transcript.fail(clientId, 'photoTooLarge', undefined, tooLarge);
          else this.transcript.fail(clientId, 'uploadFailed', attempt);
        });
    };
    attempt();
  }

  /** Shows the connection's state in the panel's status line (announced: it is a `role=status`). */
  status(status: ConnectionStatus, el: HTMLElement): void {
    this.shown = { status, el };
    const texts = this.language.texts;
    const text = { connecting: texts.connecting, reconnecting: texts.reconnecting, offline: texts.offline, online: '' }[status];
    el.textContent = text;
    el.hidden = !text;
  }

  /** The language changed: the status line, if one is showing, says it again in the new one. */
  retranslate(): void {
    if (this.shown) this.status(this.shown.status, this.shown.el);
  }

  private post(fields: Partial<DlActivity>, draft: Draft): void {
    const clientId = newId('c_');
    const activity = this.activity(clientId, fields);
    this.transcript.draft(clientId, draft);
    const attempt = (): void => {
      this.client
        .postActivity(activity)
        .then((id) => this.transcript.ack(clientId, id))
        .catch(() => this.transcript.fail(clientId, 'sendFailed', attempt));
    };
    attempt();
  }

  private activity(clientId: string, fields: Partial<DlActivity>): DlActivity {
    return {
      type: 'message',
      from: { id: this.client.userId, role: 'user' },
      // The conversation's language, so a short "1" or "sí" is not taken for the page's.
      locale: this.language.locale,
      ...fields,
      channelData: { clientActivityID: clientId },
    };
  }
}
