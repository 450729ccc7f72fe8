import { expect } from 'vitest';
import { optionsOf, textOfMessage, type GraphApiServer, type PostedMessage } from '../support/graph-api-server';
import { listReply, location, postWebhook, text, webhook } from '../channels/whatsapp-cloud/webhooks';
import { REFERENCE, waitFor } from './support';

/**
 * A citizen on WhatsApp (Cloud API) talking to a whole app: messages go in as webhooks, replies are read
 * off the local Graph API server.
 */
export class CloudCitizen {
  constructor(private readonly appUrl: string, private readonly graph: GraphApiServer, readonly waId: string) {}

  /** What the app sent this number, in order. */
  received(): PostedMessage[] {
    return this.graph.messages.filter((m) => m.to === this.waId);
  }

  /** Sends a message and waits for the first reply after it that matches. */
  async ask(message: ReturnType<typeof text>, expected: RegExp): Promise<PostedMessage> {
    const before = this.received().length;
    expect((await postWebhook(this.appUrl, webhook(this.graph, { messages: [message] }))).status).toBe(200);
    return waitFor(() => this.received().slice(before).find((m) => expected.test(textOfMessage(m.body))), `a reply matching ${expected}`);
  }

  /** Types `words`; the matching reply's text. */
  async says(words: string, expected: RegExp): Promise<string> {
    return textOfMessage((await this.ask(text(this.waId, words), expected)).body);
  }

  /** The six-digit code the app sends this number after message `before` (a count of `received()`). */
  async codeAfter(before: number): Promise<string> {
    const message = await waitFor(() => this.received().slice(before).find((m) => /\b\d{6}\b/.test(textOfMessage(m.body))), 'the code on WhatsApp');
    return /\b(\d{6})\b/.exec(textOfMessage(message.body))![1]!;
  }

  /** Files a street-lighting complaint (what, then where as a location pin, then "Enviar"); its reference. */
  async fileComplaint(): Promise<string> {
    // What without where: the only question is where; then the one confirmation.
    await this.ask(text(this.waId, 'Hay una farola apagada desde hace una semana'), /¿Dónde está\?/);
    const summary = await this.ask(location(this.waId, 41.3874, 2.1686, 'Calle Colón 12'), /— ¿lo envío\?/);
    const send = optionsOf(summary.body).find((o) => o.title === 'Enviar')!;
    const done = await this.ask(listReply(this.waId, send.id, send.title), REFERENCE);
    return REFERENCE.exec(textOfMessage(done.body))![0];
  }
}
