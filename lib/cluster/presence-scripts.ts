/**
 * The Lua scripts behind cluster-wide presence: each runs atomically in Redis, so two nodes racing
 * for one nickname, or two nodes sweeping one dead node, cannot both win.
 *
 * Keys, all under the prefix P (which carries a `{hash tag}` so they share one slot):
 * `P owner`/`P nick` hashes nickKey → owner/nickname; `P order` a sorted set of nickKeys by arrival
 * (`P seq`); `P s:<nickKey>` the set of `node\nsocketId` holding it; `P n:<node>` the set of
 * `socketId\nnickKey` a node holds; `P alive:<node>` the node's liveness key (TTL); `P nodes`.
 */

/** ARGV: P, key, nick, owner, node, socketId → -1 taken, 1 granted first, 0 granted again. */
export const CLAIM = `
local P, key, nick, owner, node, sid = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local skey = P .. 's:' .. key
local holder = redis.call('HGET', P .. 'owner', key)
local count = redis.call('SCARD', skey)
if holder and holder ~= owner and count > 0 then return -1 end
if count == 0 then redis.call('ZADD', P .. 'order', redis.call('INCR', P .. 'seq'), key) end
redis.call('HSET', P .. 'owner', key, owner)
redis.call('HSET', P .. 'nick', key, nick)
redis.call('SADD', skey, node .. '\\n' .. sid)
redis.call('SADD', P .. 'n:' .. node, sid .. '\\n' .. key)
if count == 0 then return 1 end
return 0
`;

const DROP = `
local function drop(P, key)
  redis.call('HDEL', P .. 'owner', key)
  redis.call('HDEL', P .. 'nick', key)
  redis.call('ZREM', P .. 'order', key)
end
`;

/** ARGV: P, key, node, socketId → 1 when that was the name's last holder (announce the exit). */
export const RELEASE = `${DROP}
local P, key, node, sid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local skey = P .. 's:' .. key
redis.call('SREM', P .. 'n:' .. node, sid .. '\\n' .. key)
if redis.call('SREM', skey, node .. '\\n' .. sid) == 0 then return 0 end
if redis.call('SCARD', skey) > 0 then return 0 end
drop(P, key)
return 1
`;

/** ARGV: P → every nickname, in arrival order. */
export const LIST = `
local P = ARGV[1]
local keys = redis.call('ZRANGE', P .. 'order', 0, -1)
if #keys == 0 then return {} end
local nicks = redis.call('HMGET', P .. 'nick', unpack(keys))
local out = {}
for _, nick in ipairs(nicks) do if nick then table.insert(out, nick) end end
return out
`;

/**
 * ARGV: P, after (a seq), limit → { count, nicknames, next seq or '' }: one page in arrival order
 * after `after`, read by score so that its cost is the page's, not the whole list's.
 */
export const PAGE = `
local P, after, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local count = redis.call('ZCARD', P .. 'order')
local rows = redis.call('ZRANGEBYSCORE', P .. 'order', '(' .. after, '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 1)
local keys, next = {}, ''
for i = 1, #rows, 2 do
  if #keys == limit then break end
  table.insert(keys, rows[i])
  next = rows[i + 1]
end
if #rows <= limit * 2 then next = '' end
if #keys == 0 then return { count, {}, '' } end
local nicks = redis.call('HMGET', P .. 'nick', unpack(keys))
local out = {}
for _, nick in ipairs(nicks) do if nick then table.insert(out, nick) end end
return { count, out, next }
`;

/** ARGV: P, node, ttlMs → 1 if the node's liveness key existed (0: it expired or Redis lost it). */
export const HEARTBEAT = `
local P, node, ttl = ARGV[1], ARGV[2], ARGV[3]
local existed = redis.call('EXISTS', P .. 'alive:' .. node)
redis.call('SET', P .. 'alive:' .. node, '1', 'PX', ttl)
redis.call('SADD', P .. 'nodes', node)
return existed
`;

/** ARGV: P, node → the nicknames that left with a node whose liveness key expired (none if it lives). */
export const SWEEP = `${DROP}
local P, node = ARGV[1], ARGV[2]
if redis.call('EXISTS', P .. 'alive:' .. node) == 1 then return {} end
local gone = {}
for _, m in ipairs(redis.call('SMEMBERS', P .. 'n:' .. node)) do
  local i = string.find(m, '\\n', 1, true)
  local sid, key = string.sub(m, 1, i - 1), string.sub(m, i + 1)
  local skey = P .. 's:' .. key
  if redis.call('SREM', skey, node .. '\\n' .. sid) == 1 and redis.call('SCARD', skey) == 0 then
    local nick = redis.call('HGET', P .. 'nick', key)
    drop(P, key)
    if nick then table.insert(gone, nick) end
  end
end
redis.call('DEL', P .. 'n:' .. node)
redis.call('SREM', P .. 'nodes', node)
return gone
`;

/**
 * ARGV: P, node, ttlMs, then socketId, key, nick, owner per local holding. Replaces what Redis
 * holds for this node with what it really holds (after an outage, a Redis restart or a sweep).
 * Returns { entered nicks, gone nicks, conflicting socketIds }.
 */
export const RESYNC = `${DROP}
local P, node, ttl = ARGV[1], ARGV[2], ARGV[3]
redis.call('SET', P .. 'alive:' .. node, '1', 'PX', ttl)
redis.call('SADD', P .. 'nodes', node)
local nkey = P .. 'n:' .. node
local touched = {}
for _, m in ipairs(redis.call('SMEMBERS', nkey)) do
  local i = string.find(m, '\\n', 1, true)
  local sid, key = string.sub(m, 1, i - 1), string.sub(m, i + 1)
  redis.call('SREM', P .. 's:' .. key, node .. '\\n' .. sid)
  touched[key] = true
end
redis.call('DEL', nkey)
local entered, gone, conflicts = {}, {}, {}
for i = 4, #ARGV, 4 do
  local sid, key, nick, owner = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local skey = P .. 's:' .. key
  local count = redis.call('SCARD', skey)
  local holder = redis.call('HGET', P .. 'owner', key)
  if holder and holder ~= owner and count > 0 then
    table.insert(conflicts, sid)
  else
    if count == 0 and not touched[key] then
      redis.call('ZADD', P .. 'order', redis.call('INCR', P .. 'seq'), key)
      table.insert(entered, nick)
    end
    redis.call('HSET', P .. 'owner', key, owner)
    redis.call('HSET', P .. 'nick', key, nick)
    redis.call('SADD', skey, node .. '\\n' .. sid)
    redis.call('SADD', nkey, sid .. '\\n' .. key)
  end
end
for key, _ in pairs(touched) do
  if redis.call('SCARD', P .. 's:' .. key) == 0 then
    local nick = redis.call('HGET', P .. 'nick', key)
    drop(P, key)
    if nick then table.insert(gone, nick) end
  end
end
return { entered, gone, conflicts }
`;
