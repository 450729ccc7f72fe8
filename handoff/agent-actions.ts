import { randomUUID } from 'node:crypto';
import type { ConversationKey } from '../bot/conversation-key';
import type { StoredMedia } from '../bot/media-store';
import { AlreadyClaimedError, AlreadyHeldError, AtCapacityError, NotFoundError, NotHolderError } from '../bot/errors';
import type { AgentView, ConsoleMessage } from '../console/protocol';
import { t } from '../dialogs/i18n';
import { teamName } from '../dialogs/team-name';
import { audienceOf } from './console-bus';
import type { HandoffParts, HandoffServiceDeps } from './handoff-deps';
import { PRIORITY } from './handoff-priority';
import type { Handoff } from './handoff-store';

/**
 * What an agent does with a conversation: claim it (from a queue, or pulled from the bot), answer, take
 * notes, show "typing…", and give it back (release) or close it. Transfers are in handoff-transfer.
 * The console API calls these after checking the agent may see the handoff.
 */
export class AgentActions {
  constructor(
    private readonly deps: HandoffServiceDeps,
    private readonly parts: Pick<HandoffParts, 'holds' | 'places' | 'notices' | 'feed' | 'steps'>,
  ) {}

  async claim(agent: AgentView, id: string): Promise<Handoff> {
    const h = await this.deps.store.claim(id, agent.id, agent.maxConcurrent);
    if (!h) {
      const current = await this.parts.steps.require(id);
      if (current.status !== 'queued') throw new AlreadyClaimedError('Otra persona ya atendió esta conversación.');
      throw new AtCapacityError(`Ya atiendes ${agent.maxConcurrent} conversaciones: cierra o libera una antes de tomar otra.`);
    }
    this.deps.metrics?.handoffClaimSeconds.observe({ team: h.team }, Math.max(0, Date.now() - h.queuedAt.getTime()) / 1_000);
    await this.parts.holds.set(h);
    await this.deps.queues.remove(h.team, h.id);
    await this.parts.places.forget(h.id);
    await this.parts.places.claimed(h.team);
    await this.deps.presence.seen([agent.id]);
    await this.parts.notices.send(h, t(h.locale, 'handoff.claimed', { agent: agent.name, team: teamName(this.deps.catalog, h.team, h.locale) }));
    await this.parts.feed.changed(h);
    await this.parts.feed.queueMoved(h.team);
    return h;
  }

  /**
   * The team a conversation with the bot belongs to: the citizen desk (the catalog's default team). The
   * console lists these conversations to whoever may see that team, and a pulled one is filed in it.
   */
  get botConversationsTeam(): string {
    return this.deps.catalog.handoff.defaultTeam;
  }

  /**
   * Takes a conversation from the bot (the "live" list): it goes straight to the agent. The console API
   * checks first that the agent may see it; the handoff is filed in the team that owns the conversation
   * (`botConversationsTeam`), never in the agent's own, so later checks judge it by its real team.
   */
  async pull(agent: AgentView, conversationKey: ConversationKey): Promise<Handoff> {
    const conversation = await this.deps.history.conversation(conversationKey);
    if (!conversation) throw new NotFoundError('Esa conversación no existe.');
    if (await this.deps.store.activeOf(conversationKey)) throw new AlreadyHeldError('Esa conversación ya está con una persona.');
    const identities = await this.deps.history.identitiesOf(conversation.citizenId);
    const own = identities.filter((i) => i.channel === conversation.channel);
    const userId = (own.find((i) => i.channelUserId === conversation.conversationId) ?? own[0])?.channelUserId ?? conversation.conversationId;
    const team = this.botConversationsTeam;
    const opened = await this.deps.store.open({
      id: randomUUID(), conversationKey, channel: conversation.channel, conversationId: conversation.conversationId, userId,
      // The citizen's chosen language lives in the bot's state, out of reach here; the city's language is the safe default.
      citizenId: conversation.citizenId, team, reason: 'pulled', summary: {}, locale: this.deps.catalog.city.defaultLocale, priority: PRIORITY.normal,
    });
    // Opened and claimed at once: nobody else can claim in between, it was never in a queue.
    await this.parts.holds.set(opened);
    try {
      return await this.claim(agent, opened.id);
    } catch (err) {
      // At capacity: the conversation goes back to the bot rather than wait in no queue.
      const cancelled = await this.deps.store.transition(opened.id, ['queued'], 'cancelled', { ended_at: new Date().toISOString() }, { kind: 'cancelled', agentId: agent.id });
      if (cancelled) await this.parts.steps.ended(cancelled, { tellEngine: false });
      throw err;
    }
  }

  async reply(agent: AgentView, id: string, text: string): Promise<ConsoleMessage> {
    const h = await this.parts.steps.held(agent, id);
    const sent = await this.parts.notices.send(h, text, { id: agent.id, name: agent.name });
    const message: ConsoleMessage = { handoffId: h.id, conversationKey: h.conversationKey, from: 'agent', agentId: agent.id, agentName: agent.name, text, at: sent.at.toISOString() };
    await this.deps.bus.publish(audienceOf(h), { type: 'message', message });
    await this.deps.presence.seen([agent.id]);
    return message;
  }

  /**
   * A file (a photo goes as a photo where the channel has photos) with an optional text, on the citizen's
   * channel. `store` runs only once the agent is known to hold the conversation: a refused sender stores nothing.
   */
  async replyWithFile(agent: AgentView, id: string, store: () => Promise<{ file: StoredMedia; caption: string }>): Promise<ConsoleMessage> {
    const h = await this.parts.steps.held(agent, id);
    const { file, caption } = await store();
    const attachment = { contentType: file.contentType, contentUrl: file.contentUrl, name: file.name };
    const sent = await this.parts.notices.send(h, caption, { id: agent.id, name: agent.name }, [attachment]);
    const shown = this.deps.mediaUrl?.(file.contentUrl) ?? file.contentUrl;
    const message: ConsoleMessage = {
      handoffId: h.id, conversationKey: h.conversationKey, from: 'agent', agentId: agent.id, agentName: agent.name, text: caption, at: sent.at.toISOString(),
      ...(file.contentType.startsWith('image/') ? { images: [shown] } : {}),
    };
    await this.deps.bus.publish(audienceOf(h), { type: 'message', message });
    await this.deps.presence.seen([agent.id]);
    return message;
  }

  async note(agent: AgentView, id: string, text: string): Promise<void> {
    await this.parts.steps.require(id);
    await this.deps.store.addEvent(id, { kind: 'note', agentId: agent.id, note: text });
  }

  /** "typing…" on the citizen's channel while the agent writes; best effort, like the bot's. */
  async typing(agent: AgentView, id: string): Promise<void> {
    const h = await this.parts.steps.held(agent, id);
    const channel = this.deps.channels.get(h.channel);
    if (channel?.capabilities.typing) {
      await channel.send({ channel: channel.id, conversationId: h.conversationId, userId: h.userId }, [{ type: 'typing' }]).catch((err: unknown) => this.deps.log.debug({ err }, 'typing indicator failed'));
    }
    await this.deps.bus.publish(audienceOf(h), { type: 'typing', handoffId: h.id, agentId: agent.id });
  }

  /** Back to the bot, which answers again from the citizen's next message. */
  async release(agent: AgentView, id: string): Promise<Handoff> {
    await this.parts.steps.held(agent, id);
    const h = await this.deps.store.transition(id, { statuses: ['assigned'], heldBy: agent.id }, 'released', { ended_at: new Date().toISOString() }, { kind: 'released', agentId: agent.id });
    if (!h) throw new NotHolderError('La conversación ya no está abierta.');
    await this.parts.steps.ended(h, { tellEngine: 'released' });
    return h;
  }

  /** Done: the citizen is asked how it went. */
  async close(agent: AgentView, id: string, resolution: string): Promise<Handoff> {
    await this.parts.steps.held(agent, id);
    const h = await this.deps.store.transition(id, { statuses: ['assigned'], heldBy: agent.id }, 'closed', { ended_at: new Date().toISOString(), resolution }, { kind: 'closed', agentId: agent.id, note: resolution });
    if (!h) throw new NotHolderError('La conversación ya no está abierta.');
    await this.parts.steps.ended(h, { tellEngine: 'closed' });
    return h;
  }
}
