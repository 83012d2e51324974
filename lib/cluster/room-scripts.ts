/**
 * The Lua scripts behind cluster-wide rooms, each atomic in Redis. Keys under the presence prefix
 * P (one hash slot, and the nodes' liveness keys `P alive:<node>` are shared with presence):
 * `P rooms` a hash roomKey → room as created; for room R, `P r:R:k:<userKey>` the set of nodes
 * where that user is in R, `P r:R:n` a hash userKey → nickname, `P r:R:o` a sorted set of userKeys
 * by arrival (`P seq`); `P rn:<node>` the `R\nuserKey` entries a node holds (its resync's undo list).
 * A node counts as present while its liveness key lives, so a dead node's members drop out of
 * every list within `nodeTimeoutMs` without anyone sweeping them.
 */

/** ARGV: P, key, room, limit → the room as created (existing or new), or false when `limit` user rooms exist. */
export const ROOM_OPEN = `
local P, key, room, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local existing = redis.call('HGET', P .. 'rooms', key)
if existing then return existing end
if redis.call('HLEN', P .. 'rooms') >= limit then return false end
redis.call('HSET', P .. 'rooms', key, room)
return room
`;

const LIVE = `
local function live(P, skey, node)
  local count = 0
  for _, n in ipairs(redis.call('SMEMBERS', skey)) do
    if n == node or redis.call('EXISTS', P .. 'alive:' .. n) == 1 then count = count + 1
    else redis.call('SREM', skey, n) end
  end
  return count
end
local function add(P, R, node, key, nick)
  local skey = P .. 'r:' .. R .. ':k:' .. key
  redis.call('SADD', skey, node)
  redis.call('HSET', P .. 'r:' .. R .. ':n', key, nick)
  if not redis.call('ZSCORE', P .. 'r:' .. R .. ':o', key) then
    redis.call('ZADD', P .. 'r:' .. R .. ':o', redis.call('INCR', P .. 'seq'), key)
  end
  redis.call('SADD', P .. 'rn:' .. node, R .. '\\n' .. key)
end
local function remove(P, R, node, key)
  local skey = P .. 'r:' .. R .. ':k:' .. key
  redis.call('SREM', skey, node)
  redis.call('SREM', P .. 'rn:' .. node, R .. '\\n' .. key)
  if live(P, skey, node) == 0 then
    redis.call('DEL', skey)
    redis.call('HDEL', P .. 'r:' .. R .. ':n', key)
    redis.call('ZREM', P .. 'r:' .. R .. ':o', key)
    return 1
  end
  return 0
end
`;

/** ARGV: P, room, node, key, nick → 1 when no live node had that user in the room before. */
export const ROOM_ENTER = `${LIVE}
local P, R, node, key, nick = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local before = live(P, P .. 'r:' .. R .. ':k:' .. key, node)
add(P, R, node, key, nick)
if before == 0 then return 1 end
return 0
`;

/** ARGV: P, room, node, key → 1 when no live node has that user in the room any more. */
export const ROOM_LEAVE = `${LIVE}
local P, R, node, key = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
return remove(P, R, node, key)
`;

/** ARGV: P, room, node → the nicknames in the room on live nodes, in arrival order (dead nodes' entries dropped). */
export const ROOM_LIST = `${LIVE}
local P, R, node = ARGV[1], ARGV[2], ARGV[3]
local out = {}
for _, key in ipairs(redis.call('ZRANGE', P .. 'r:' .. R .. ':o', 0, -1)) do
  local skey = P .. 'r:' .. R .. ':k:' .. key
  if live(P, skey, node) > 0 then
    local nick = redis.call('HGET', P .. 'r:' .. R .. ':n', key)
    if nick then table.insert(out, nick) end
  else
    redis.call('DEL', skey)
    redis.call('HDEL', P .. 'r:' .. R .. ':n', key)
    redis.call('ZREM', P .. 'r:' .. R .. ':o', key)
  end
end
return out
`;

/**
 * ARGV: P, node, then room, key, nick per membership this node holds. Replaces what Redis holds
 * for this node with what it really holds (after an outage or a Redis restart).
 */
export const ROOM_RESYNC = `${LIVE}
local P, node = ARGV[1], ARGV[2]
local nkey = P .. 'rn:' .. node
for _, m in ipairs(redis.call('SMEMBERS', nkey)) do
  local i = string.find(m, '\\n', 1, true)
  remove(P, string.sub(m, 1, i - 1), node, string.sub(m, i + 1))
end
redis.call('DEL', nkey)
for i = 3, #ARGV, 3 do add(P, ARGV[i], node, ARGV[i + 1], ARGV[i + 2]) end
return 1
`;
