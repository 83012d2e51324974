/** How a dependency (the message store, the cluster's Redis) is doing, as `status()` reports it. */

/**
 * One dependency's state: `'connecting'` while the first attempt is in progress, `'ok'`,
 * `'degraded'` after a failed first attempt or once lost after being up (it is being retried),
 * `'off'` when the chat does not use it.
 */
export type DependencyState = 'connecting' | 'ok' | 'degraded' | 'off';

/** A dependency's state and when it entered it. */
export interface DependencyStatus {
  /** Where it stands now. */
  state: DependencyState;
  /** `Date.now()` when it entered `state`. */
  since: number;
}

/** What `chat.status()` returns: each dependency's state, for a health endpoint. */
export interface ChatStatus {
  /** The message store (`history`). */
  store: DependencyStatus;
  /** The Redis side of `cluster`; `'off'` without it. */
  cluster: DependencyStatus;
}
