// The ESM entry point: the CommonJS build re-exported by name, so `import { … }` and `require` share one copy.
import chatterbox from '../dist/index.js';

export const {
  createChatMiddleware,
  ChatOptionError,
  DEFAULTS,
  ChatError,
  ERROR_CODES,
  DEFAULT_ERROR_MESSAGES,
  SYSTEM_NICK,
  DEFAULT_ROOM,
  REPORT_REASONS,
  UNREAD_CAP,
  MemoryStore,
  SqliteStore,
  PostgresStore,
} = chatterbox;

// `import chat from 'express-chatterbox'`: the factory, as the CommonJS build's `default`.
export default createChatMiddleware;
