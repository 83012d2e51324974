/** The options module: the option types, their defaults, and the one place they are validated. */
export type * from './chat-options';
export type { PgPoolLike, PgPoolClientLike, PgQueryResult } from './pg-types';
export { DEFAULTS, FRAME_OVERHEAD_BYTES } from './defaults';
export { resolveOptions, assertServer, OPTION_NAMES } from './resolve-options';
export { ChatOptionError, invalidArgument, invalidOption, unknownOption, type OptionErrorCode } from './option-error';
export type { ChatLogger } from './logger';
export type { MessageStore, NewMessage, AppendResult, MessagesAfter, StoredMessage, ReactResult, SearchQuery, MessageChangeRef, MessageChange, ChangesAfter } from './message-store';
