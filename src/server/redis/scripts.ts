/**
 * Lua scripts of the Redis presence. Each runs atomically in Redis, so two
 * nodes can never both see a user's last socket leave (or first arrive):
 * exactly one of them gets the transition back and announces it.
 *
 * Keys (prefix P, default `socketkit:presence:`):
 * - `P user:<id>`  hash nodeId → sockets of that user on that node
 * - `P node:<id>`  set of the users with sockets on that node (for the sweep)
 * - `P nodes`      sorted set nodeId → heartbeat deadline (ms, Redis clock)
 * - `P online`     hash userId → since (ISO 8601); users in grace included
 * - `P grace`      sorted set userId → end of the grace period (ms, Redis clock)
 * - `P lastseen`   hash userId → lastSeen (ISO 8601)
 * - `P version`    counter, one step per published transition
 * Channel `P events`: `{"v":version,"t":"on"|"off","u":userId,"at":iso}`,
 * read by every node's replica.
 *
 * Every key is built from ARGV[1] (the prefix): the scripts expect one
 * Redis (standalone or a primary with replicas), not Redis Cluster.
 */

/** Shared Lua helpers, prepended to each script. `P` is the prefix. */
const PRELUDE = `
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function publish(kind, u, at)
  local v = redis.call('INCR', P .. 'version')
  redis.call('PUBLISH', P .. 'events', cjson.encode({ v = v, t = kind, u = u, at = at }))
  return v
end
local function sockets(u)
  local total = 0
  for _, c in ipairs(redis.call('HVALS', P .. 'user:' .. u)) do total = total + tonumber(c) end
  return total
end
local function go_offline(u, at)
  redis.call('HDEL', P .. 'online', u)
  redis.call('ZREM', P .. 'grace', u)
  redis.call('DEL', P .. 'user:' .. u)
  redis.call('HSET', P .. 'lastseen', u, at)
  return publish('off', u, at)
end
-- The user has no socket left anywhere: grace period, or offline now.
-- Returns 'grace', 'off' (announce it) or 'none' (was not online), and the version of an 'off'.
local function release(u, grace_ms, at)
  if redis.call('HEXISTS', P .. 'online', u) == 0 then return 'none', 0 end
  if grace_ms > 0 then
    redis.call('ZADD', P .. 'grace', now_ms() + grace_ms, u)
    return 'grace', 0
  end
  return 'off', go_offline(u, at)
end
-- Drops every count a node holds; users left with no socket anywhere are released.
-- Appends users that went offline at once to 'gone'.
local function clear_node(node, grace_ms, at, gone)
  local key = P .. 'node:' .. node
  for _, u in ipairs(redis.call('SMEMBERS', key)) do
    redis.call('HDEL', P .. 'user:' .. u, node)
    if sockets(u) <= 0 and release(u, grace_ms, at) == 'off' then table.insert(gone, u) end
  end
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'nodes', node)
end
`;

/**
 * A socket connected. ARGV: prefix, nodeId, userId, now (ISO).
 * Returns { version, since }: version > 0 when the user just came online (the caller announces it), else 0.
 */
export const CONNECT = `${PRELUDE}
local node, u, at = ARGV[2], ARGV[3], ARGV[4]
redis.call('HINCRBY', P .. 'user:' .. u, node, 1)
redis.call('SADD', P .. 'node:' .. node, u)
if redis.call('ZREM', P .. 'grace', u) == 1 then return { 0, at } end
if redis.call('HEXISTS', P .. 'online', u) == 1 then return { 0, at } end
redis.call('HSET', P .. 'online', u, at)
return { publish('on', u, at), at }
`;

/**
 * A socket disconnected. ARGV: prefix, nodeId, userId, now (ISO), graceMs.
 * Returns { outcome, version, lastSeen }: outcome 'off' (announce it), 'grace' (arm a
 * timer for the grace end) or 'none'.
 */
export const DISCONNECT = `${PRELUDE}
local node, u, at, grace_ms = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local key = P .. 'user:' .. u
local n = redis.call('HINCRBY', key, node, -1)
if n <= 0 then
  redis.call('HDEL', key, node)
  redis.call('SREM', P .. 'node:' .. node, u)
end
if sockets(u) > 0 then return { 'none', 0, at } end
local outcome, v = release(u, grace_ms, at)
return { outcome, v, at }
`;

/**
 * Heartbeat and sweep, run by every node every `heartbeatMs`.
 * ARGV: prefix, nodeId, now (ISO), graceMs, nodeTimeoutMs, toleranceMs.
 * Renews this node's deadline; clears nodes whose deadline passed (their
 * users enter the grace period unless connected elsewhere); takes users
 * whose grace ended (within `toleranceMs`) offline.
 * Returns { rejoined (1 when this node had been swept or Redis lost its data), ...users taken offline }.
 */
export const SWEEP = `${PRELUDE}
local node, at, grace_ms, timeout_ms, tolerance_ms = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local now = now_ms()
local rejoined = redis.call('ZADD', P .. 'nodes', now + timeout_ms, node)
local gone = {}
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', now)) do
  clear_node(dead, grace_ms, at, gone)
end
for _, u in ipairs(redis.call('ZRANGEBYSCORE', P .. 'grace', '-inf', now + tolerance_ms)) do
  redis.call('ZREM', P .. 'grace', u)
  if sockets(u) <= 0 and redis.call('HEXISTS', P .. 'online', u) == 1 then
    go_offline(u, at)
    table.insert(gone, u)
  end
end
table.insert(gone, 1, rejoined)
return gone
`;

/**
 * Registers this node with its exact socket counts: at start (first clearing
 * what a dead node of the same id left) and after Redis lost its data.
 * ARGV: prefix, nodeId, now (ISO), graceMs, nodeTimeoutMs, then userId, count pairs.
 * Users it held before and holds no more are released; users it brings that
 * Redis did not know as online are marked online again.
 * Returns { users taken offline at once, users marked online again } (announce both:
 * after a sweep of this node its users' watchers were told they left).
 */
export const REGISTER = `${PRELUDE}
local node, at, grace_ms, timeout_ms = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local key = P .. 'node:' .. node
local held = {}
for i = 6, #ARGV, 2 do held[ARGV[i]] = tonumber(ARGV[i + 1]) end
local dropped = {}
for _, u in ipairs(redis.call('SMEMBERS', key)) do
  if held[u] == nil then
    redis.call('HDEL', P .. 'user:' .. u, node)
    table.insert(dropped, u)
  end
end
redis.call('DEL', key)
local gone = {}
for _, u in ipairs(dropped) do
  if sockets(u) <= 0 and release(u, grace_ms, at) == 'off' then table.insert(gone, u) end
end
local came = {}
for i = 6, #ARGV, 2 do
  local u = ARGV[i]
  redis.call('HSET', P .. 'user:' .. u, node, ARGV[i + 1])
  redis.call('SADD', key, u)
  redis.call('ZREM', P .. 'grace', u)
  if redis.call('HEXISTS', P .. 'online', u) == 0 then
    redis.call('HSET', P .. 'online', u, at)
    publish('on', u, at)
    table.insert(came, u)
  end
end
redis.call('ZADD', P .. 'nodes', now_ms() + timeout_ms, node)
return { gone, came }
`;

/**
 * Graceful leave: this node's sockets are gone. ARGV: prefix, nodeId, now (ISO), graceMs.
 * Returns the users taken offline at once (announce them).
 */
export const LEAVE = `${PRELUDE}
local gone = {}
clear_node(ARGV[2], tonumber(ARGV[4]), ARGV[3], gone)
return gone
`;

/**
 * The replica's starting point. ARGV: prefix.
 * Returns { version, online as userId, since pairs, lastseen as userId, lastSeen pairs }.
 */
export const SNAPSHOT = `${PRELUDE}
return { tonumber(redis.call('GET', P .. 'version') or '0'), redis.call('HGETALL', P .. 'online'), redis.call('HGETALL', P .. 'lastseen') }
`;

/**
 * After Redis lost its data (an empty restart, a flush) every node
 * re-registers the users it holds; then each node names the users its
 * watchers were told are online and a reload of its replica found lost
 * (ARGV[3…]). Those that no node holds now (not online, not in grace)
 * and that nobody has announced since (no last-seen) go offline here, so the
 * first node to ask announces each one, once. ARGV[2]: the time (ISO).
 * Returns a flat list: user, version, user, version…
 */
export const RECONCILE = `${PRELUDE}
local at = ARGV[2]
local gone = {}
for i = 3, #ARGV do
  local u = ARGV[i]
  if redis.call('HEXISTS', P .. 'online', u) == 0 and not redis.call('ZSCORE', P .. 'grace', u)
     and redis.call('HEXISTS', P .. 'lastseen', u) == 0 then
    table.insert(gone, u)
    table.insert(gone, go_offline(u, at))
  end
end
return gone
`;
