/**
 * The cluster's {@link EventBus} over Redis pub/sub, on connections Chatterbox opens for it: one
 * channel per chat, each message tagged with its node so that a node never hears itself. Redis
 * keeps one publisher's messages in order, so each node's events reach the others in the order it
 * sent them. While Redis is away a publish is dropped (logged under DEBUG): the gap repair fills
 * it from the message log once the node is back.
 */
import createDebug from 'debug';
import type { ClusterMessage, EventBus } from '../chat/event-bus';

const debug = createDebug('chatterbox:cluster');

/** The ioredis publisher commands the bus uses, typed by shape (ioredis is an optional peer). */
export interface BusPublisher {
  readonly status: string;
  publish(channel: string, message: string): Promise<number>;
}

/** The ioredis subscriber calls the bus uses. */
export interface BusSubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/** What travels on the channel. */
interface Envelope {
  /** The node that published it. */
  n: string;
  m: ClusterMessage;
}

/** {@link EventBus} over a Redis channel. */
export class RedisBus implements EventBus {
  private readonly listeners: Array<(message: ClusterMessage) => void> = [];
  private dropped = 0;

  constructor(
    private readonly pub: BusPublisher,
    sub: BusSubscriber,
    private readonly channel: string,
    private readonly node: string,
  ) {
    // The subscriber resubscribes by itself after a reconnect (ioredis's autoResubscribe).
    sub.subscribe(channel).catch((error: unknown) => debug('subscribe failed: %s', String(error)));
    sub.on('message', (from, raw) => {
      if (from === channel) this.receive(raw);
    });
  }

  publish(message: ClusterMessage): void {
    if (this.pub.status !== 'ready') {
      if (this.dropped++ === 0) debug('Redis is away: cluster messages are dropped until it returns');
      return;
    }
    this.dropped = 0;
    const envelope: Envelope = { n: this.node, m: message };
    this.pub.publish(this.channel, JSON.stringify(envelope)).catch((error: unknown) => debug('publish failed: %s', String(error)));
  }

  subscribe(listener: (message: ClusterMessage) => void): void {
    this.listeners.push(listener);
  }

  private receive(raw: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      debug('ignored a message that is not JSON');
      return;
    }
    if (envelope.n === this.node || typeof envelope.m !== 'object' || envelope.m === null) return;
    for (const listener of this.listeners) {
      try {
        listener(envelope.m);
      } catch (error) {
        debug('a cluster message listener failed: %s', String(error));
      }
    }
  }
}
