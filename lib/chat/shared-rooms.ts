/**
 * The seam through which a cluster's nodes share their rooms: which user-created rooms exist and
 * who is in each. One process needs none (its own memory is the whole chat); a cluster keeps them
 * in Redis. Every method answers `undefined` (or throws CLUSTER_UNAVAILABLE where said) while the
 * shared store is away, and the caller falls back to what this node knows.
 */

/** Rooms shared by the nodes of a cluster. */
export interface SharedRooms {
  /**
   * The room whose key is `key`, creating it as `room` when no node has; undefined when it does
   * not exist and `limit` user-created rooms do already. Throws CLUSTER_UNAVAILABLE while away.
   */
  open(key: string, room: string, limit: number): Promise<string | undefined>;
  /** This node now has user `key` (shown as `nick`) in `room`; true when no node had them there before. */
  enter(room: string, key: string, nick: string): Promise<boolean | undefined>;
  /** This node no longer has user `key` in `room`; true when no node has them there any more. */
  leave(room: string, key: string): Promise<boolean | undefined>;
  /** Everyone in `room` on every live node, in the order they came. */
  list(room: string): Promise<string[] | undefined>;
}
