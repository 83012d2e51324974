/** Every default of the options in one object: what `resolveOptions` fills in, and what the README lists. */

/** The defaults of `createChatMiddleware`'s options (those whose default is a value). */
export const DEFAULTS = {
  namespace: '/chat',
  path: '/socket.io',
  maxNickLength: 32,
  maxMessageLength: 2000,
  /** The default history's file, in the working directory. */
  historyFile: 'chatterbox.sqlite',
  historyLimit: 50,
  reconnectLimit: 500,
  batchWindowMs: 5,
  presenceWindowMs: 1000,
  rooms: [] as readonly string[],
  allowUserRooms: false,
  maxRooms: 100,
  identityCheckInterval: 60_000,
  messageRate: { limit: 3, windowMs: 2000, blockMs: 5000 },
  eventRate: { limit: 30, windowMs: 2000, blockMs: 0 },
  loginRate: { limit: 10, windowMs: 60_000, blockMs: 0 },
  maxConnectionsPerAddress: 20,
  maxConnectionsPerUser: 10,
  maxBufferedBytes: 8 * 1024 * 1024,
  trustProxy: false,
  /** Authors may edit or delete their messages for 15 minutes. */
  editWindowMs: 15 * 60_000,
  allowDirectMessages: true,
  cluster: { keyPrefix: 'chatterbox:', heartbeatMs: 2000, nodeTimeoutMs: 6000 },
} as const;

/** Room for the largest message as UTF-8 plus the packet's framing and a cid: the default `maxHttpBufferSize` is 4 × maxMessageLength + this. */
export const FRAME_OVERHEAD_BYTES = 8 * 1024;
