/**
 * The slice of the Direct Line 3.0 activity schema the widget reads and writes.
 * Kept here (not imported from botbuilder) so the browser bundle carries no SDK.
 */
export interface DlAction {
  type: string;
  title?: string;
  value?: unknown;
  text?: string;
  displayText?: string;
  image?: string;
}

export interface DlAttachment {
  contentType: string;
  contentUrl?: string;
  name?: string;
  content?: unknown;
}

export interface DlActivity {
  type: string;
  id?: string;
  timestamp?: string;
  from?: { id: string; name?: string; role?: string };
  text?: string;
  textFormat?: string;
  locale?: string;
  value?: unknown;
  attachments?: DlAttachment[];
  entities?: Array<Record<string, unknown>>;
  suggestedActions?: { actions?: DlAction[]; to?: string[] };
  channelData?: { clientActivityID?: string } & Record<string, unknown>;
}

/** A frame on the stream WebSocket; a frame without activities is a heartbeat. */
export interface DlFrame {
  activities?: DlActivity[];
  watermark?: string;
}

/** What `POST /conversations` and `GET /conversations/:id` return. */
export interface DlConversation {
  conversationId: string;
  token?: string;
  expires_in?: number;
  streamUrl?: string;
}
