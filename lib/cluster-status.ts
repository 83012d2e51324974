/**
 * `status().cluster` in the shape of every dependency's status. Reads the cluster's own
 * `{ state, since }` when it has one; adapts the older state string otherwise (to be removed
 * once ChatCluster reports the object everywhere).
 */
import type { DependencyState, DependencyStatus } from './chat/dependency-status';

const seen = new WeakMap<object, DependencyStatus>();

/** The cluster's status, `'off'` since the chat's creation when there is no cluster. */
export function clusterStatus(cluster: { readonly status: unknown } | undefined, createdAt: number): DependencyStatus {
  if (cluster === undefined) return { state: 'off', since: createdAt };
  const raw = cluster.status;
  if (typeof raw === 'object' && raw !== null) return { ...(raw as DependencyStatus) };
  const state: DependencyState = raw === 'connected' ? 'ok' : raw === 'degraded' ? 'degraded' : 'connecting';
  const last = seen.get(cluster);
  if (last?.state === state) return { ...last };
  // The string carries no time: the change is dated when it is first observed.
  const status = { state, since: last === undefined ? createdAt : Date.now() };
  seen.set(cluster, status);
  return { ...status };
}
