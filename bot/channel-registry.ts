import type { ChannelId } from './activity';
import type { ChannelAdapter } from './channel';
import { ChannelUnavailableError } from './errors';

/** The channels this process can send through; the outbound worker picks one per message. */
export class ChannelRegistry {
  private readonly channels = new Map<ChannelId, ChannelAdapter>();

  add(channel: ChannelAdapter): this {
    this.channels.set(channel.id, channel);
    return this;
  }

  require(id: string): ChannelAdapter {
    const channel = this.channels.get(id as ChannelId);
    if (!channel) throw new ChannelUnavailableError(`channel "${id}" is not registered in this process`);
    return channel;
  }

  get(id: string): ChannelAdapter | undefined {
    return this.channels.get(id as ChannelId);
  }

  all(): ChannelAdapter[] {
    return [...this.channels.values()];
  }
}
