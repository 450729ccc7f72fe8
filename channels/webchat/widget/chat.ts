import type { ConnectionStatus, DirectLineClient } from './directline-client';
import type { Texts } from './i18n';
import type { Draft, Transcript } from './render';
import { newId } from './session-store';
import type { DlAction, DlActivity } from './types';

/**
 * What the citizen does, turned into Direct Line activities: each one is drawn at once as a
 * draft, posted, and tied to its echo through `channelData.clientActivityID`.
 */
export class Chat {
  constructor(
    private readonly client: DirectLineClient,
    private readonly transcript: Transcript,
    private readonly texts: Texts,
    private readonly locale: string,
  ) {}

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
      () => this.transcript.notice(this.texts.locationDenied),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  }

  sendPhoto(file: File): void {
    const clientId = newId('c_');
    const preview = URL.createObjectURL(file);
    this.transcript.draft(clientId, { imageUrl: preview });
    const attempt = (): void => {
      this.client
        .upload(file, this.activity(clientId, {}))
        .then((id) => this.transcript.ack(clientId, id))
        .catch(() => this.transcript.fail(clientId, this.texts.uploadFailed, attempt));
    };
    attempt();
  }

  status(status: ConnectionStatus, el: HTMLElement): void {
    const text = { connecting: this.texts.connecting, reconnecting: this.texts.reconnecting, offline: this.texts.offline, online: '' }[status];
    el.textContent = text;
    el.hidden = !text;
  }

  private post(fields: Partial<DlActivity>, draft: Draft): void {
    const clientId = newId('c_');
    const activity = this.activity(clientId, fields);
    this.transcript.draft(clientId, draft);
    const attempt = (): void => {
      this.client
        .postActivity(activity)
        .then((id) => this.transcript.ack(clientId, id))
        .catch(() => this.transcript.fail(clientId, this.texts.sendFailed, attempt));
    };
    attempt();
  }

  private activity(clientId: string, fields: Partial<DlActivity>): DlActivity {
    return {
      type: 'message',
      from: { id: this.client.userId, role: 'user' },
      locale: this.locale,
      ...fields,
      channelData: { clientActivityID: clientId },
    };
  }
}
