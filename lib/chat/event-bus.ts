/**
 * The seam between one node's chat and the other nodes of its cluster: what a node says (a
 * room-wide event, a kick, a repair request) is published here and heard by every other node.
 * One process has no other node, so the default bus publishes nowhere.
 */
import type { ClusterMessage } from '../protocol/events';

export type { ClusterMessage };

/** Publishes to the other nodes; every node's subscribers hear what the others published, never their own. */
export interface EventBus {
  /** Sends `message` to the other nodes; never throws (a message lost while Redis is away is repaired later). */
  publish(message: ClusterMessage): void;
  /** Calls `listener` with every message another node publishes. */
  subscribe(listener: (message: ClusterMessage) => void): void;
}

/** The bus of a chat on one process: nobody else to tell. */
export const NO_BUS: EventBus = {
  publish: () => undefined,
  subscribe: () => undefined,
};
