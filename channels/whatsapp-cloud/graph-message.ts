import type { OutMessage } from '../render/out-message';

/** A `POST /{phone-id}/messages` body, as far as we build them. */
export type GraphMessage = {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
} & (
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | { type: 'image'; image: { link: string; caption?: string } }
  | { type: 'document'; document: { link: string; filename: string } }
  | { type: 'interactive'; interactive: GraphInteractive }
  | { type: 'template'; template: GraphTemplate }
);

type GraphInteractive =
  | { type: 'button'; body: { text: string }; action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> } }
  | { type: 'list'; body: { text: string }; action: { button: string; sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> } }
  | { type: 'cta_url'; body: { text: string }; action: { name: 'cta_url'; parameters: { display_text: string; url: string } } };

interface GraphTemplate {
  name: string;
  language: { code: string };
  components: Array<{ type: 'body'; parameters: Array<{ type: 'text'; text: string }> }>;
}

/*
 * Limits of the Cloud API that the renderer does not know about (it fits titles and text length; the
 * adapter turns a question longer than an interactive body allows into numbered text).
 * https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages
 */
const MAX_REPLY_ID = 256;
const MAX_LIST_BUTTON = 20;
const MAX_TEMPLATE_PARAMETER = 1_024;

const envelope = (to: string) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to }) as const;

/**
 * The Graph message for one rendered message: text, reply buttons, a list, or an image or a document by
 * link (Meta fetches it from our public media URL). `listButton` is the label of the button that opens a list,
 * in the citizen's language. Returns undefined for `typing`, which is not a message.
 */
export function graphMessageOf(out: OutMessage, to: string, listButton: string): GraphMessage | undefined {
  switch (out.kind) {
    case 'typing':
      return undefined;
    case 'image':
      return { ...envelope(to), type: 'image', image: { link: out.url, ...(out.caption ? { caption: out.caption } : {}) } };
    case 'file':
      // Meta fetches it from our public media URL, as it does images; `filename` is what the citizen sees.
      return { ...envelope(to), type: 'document', document: { link: out.url, filename: out.name } };
    case 'text': {
      // A link button: the call-to-action URL message (the adapter sends a link without a fitting body as text).
      if (out.link) return { ...envelope(to), type: 'interactive', interactive: { type: 'cta_url', body: { text: out.text }, action: { name: 'cta_url', parameters: { display_text: out.link.title, url: out.link.url } } } };
      const choices = out.choices;
      // Numbered options are already in the text (the renderer appended them).
      if (!choices || choices.style === 'numbered') return { ...envelope(to), type: 'text', text: { body: out.text, preview_url: false } };
      const options = choices.options.map((o) => ({ id: o.value.slice(0, MAX_REPLY_ID), title: o.title }));
      const rows = choices.options.map((o, i) => (o.description ? { ...options[i]!, description: o.description } : options[i]!));
      const interactive: GraphInteractive =
        choices.style === 'buttons'
          ? { type: 'button', body: { text: out.text }, action: { buttons: options.map((reply) => ({ type: 'reply', reply })) } }
          : { type: 'list', body: { text: out.text }, action: { button: listButton.slice(0, MAX_LIST_BUTTON), sections: [{ rows }] } };
      return { ...envelope(to), type: 'interactive', interactive };
    }
  }
}

/**
 * A template message (the only kind allowed outside the 24-hour window) whose single body parameter
 * is `text`. Meta rejects parameters with new lines, tabs or more than four spaces in a row, so the
 * text is folded onto one line.
 */
export function templateMessageOf(to: string, name: string, languageCode: string, text: string): GraphMessage {
  const folded = text.replace(/\s*\n\s*/g, ' · ').replace(/\s+/g, ' ').trim();
  const parameter = folded.length > MAX_TEMPLATE_PARAMETER ? `${folded.slice(0, MAX_TEMPLATE_PARAMETER - 1)}…` : folded;
  return {
    ...envelope(to),
    type: 'template',
    template: { name, language: { code: languageCode }, components: [{ type: 'body', parameters: [{ type: 'text', text: parameter }] }] },
  };
}
