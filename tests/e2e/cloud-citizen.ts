import { expect } from 'vitest';
import { optionsOf, textOfMessage, type GraphApiServer, type PostedMessage } from '../support/graph-api-server';
import { buttonReply, listReply, location, postWebhook, text, webhook } from '../channels/whatsapp-cloud/webhooks';
import { REFERENCE, waitFor } from './support';

/**
 * A citizen on WhatsApp (Cloud API) talking to a whole app: messages go in as webhooks, replies are read
 * off the local Graph API server. With `clock` (the app's pinned one), messages are stamped by it, as Meta
 * stamps them when they are sent: the app takes them as fresh and counts its 24-hour window from them.
 */
export class CloudCitizen {
  constructor(private readonly appUrl: string, private readonly graph: GraphApiServer, readonly waId: string, private readonly clock?: () => number) {}

  /** What the app sent this number, in order. */
  received(): PostedMessage[] {
    return this.graph.messages.filter((m) => m.to === this.waId);
  }

  /** Sends a message and waits for the first reply after it that matches. */
  async ask(message: ReturnType<typeof text>, expected: RegExp): Promise<PostedMessage> {
    const before = this.received().length;
    const stamped = this.clock ? { ...message, timestamp: String(Math.floor(this.clock() / 1_000)) } : message;
    expect((await postWebhook(this.appUrl, webhook(this.graph, { messages: [stamped] }))).status).toBe(200);
    return waitFor(() => this.received().slice(before).find((m) => expected.test(textOfMessage(m.body))), `a reply matching ${expected}`);
  }

  /** Types `words`; the matching reply's text. */
  async says(words: string, expected: RegExp): Promise<string> {
    return textOfMessage((await this.ask(text(this.waId, words), expected)).body);
  }

  /** Presses the option titled `title` of an interactive reply (a button or a list row); the next reply that matches. */
  async pick(reply: PostedMessage, title: string, expected: RegExp): Promise<PostedMessage> {
    const option = optionsOf(reply.body).find((o) => o.title === title);
    if (!option) throw new Error(`no option "${title}" in ${JSON.stringify(optionsOf(reply.body))}`);
    const press = reply.body.interactive?.type === 'button' ? buttonReply : listReply;
    return this.ask(press(this.waId, option.id, option.title), expected);
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
