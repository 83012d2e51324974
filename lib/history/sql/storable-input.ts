/**
 * Refuses, before any SQL runs, input a SQL store could not keep exactly. Validation upstream
 * already refuses it, so reaching here is a programmer error: a `TypeError` naming the field,
 * never `STORE_UNAVAILABLE` and never a silently altered message.
 */
import { ChatOptionError } from '../../options/option-error';
import type { NewMessage } from '../../options/message-store';
import { showValue } from './store-options';

/** Throws unless every field of `message` can be stored and read back unchanged. */
export function assertStorableMessage(store: string, message: NewMessage): void {
  assertStorableText(store, 'room', message.room);
  assertStorableText(store, 'u', message.u);
  assertStorableText(store, 'm', message.m);
  if (!Number.isSafeInteger(message.ts)) {
    throw new ChatOptionError('CHATTERBOX_INVALID_ARGUMENT', `${store}.append(): \`ts\` must be a whole number of milliseconds, got ${showValue(message.ts)}`);
  }
  if (message.authorKey !== undefined) assertStorableText(store, 'authorKey', message.authorKey);
  if (message.cid !== undefined) assertStorableText(store, 'cid', message.cid);
  if (message.toNick !== undefined) assertStorableText(store, 'toNick', message.toNick);
  if (message.replyTo !== undefined) {
    if (!(Number.isSafeInteger(message.replyTo.id) && message.replyTo.id >= 0)) {
      throw new ChatOptionError('CHATTERBOX_INVALID_ARGUMENT', `${store}.append(): \`replyTo.id\` must be a message id, got ${showValue(message.replyTo.id)}`);
    }
    assertStorableText(store, 'replyTo.u', message.replyTo.u);
    assertStorableText(store, 'replyTo.m', message.replyTo.m);
  }
}

/** Throws unless `room`, `id` and `limit` are what a read takes. */
export function assertReadArguments(store: string, method: string, room: string, id: number, limit: number): void {
  assertStorableText(store, 'room', room, method);
  if (!(Number.isSafeInteger(id) && id >= 0)) {
    throw new ChatOptionError('CHATTERBOX_INVALID_ARGUMENT', `${store}.${method}(): \`id\` must be a message id (a whole number ≥ 0), got ${showValue(id)}`);
  }
  assertLimit(store, method, limit);
}

/** Throws unless `limit` is a whole number ≥ 0. */
export function assertLimit(store: string, method: string, limit: number): void {
  // SQLite reads a negative LIMIT as "no limit" and PostgreSQL refuses it: neither is what was meant.
  if (!(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new ChatOptionError('CHATTERBOX_INVALID_ARGUMENT', `${store}.${method}(): \`limit\` must be a whole number ≥ 0, got ${showValue(limit)}`);
  }
}

function assertStorableText(store: string, field: string, value: unknown, method = 'append'): void {
  if (typeof value !== 'string') {
    throw new ChatOptionError('CHATTERBOX_INVALID_ARGUMENT', `${store}.${method}(): \`${field}\` must be a string, got ${showValue(value)}`);
  }
  // UTF-8 has no encoding for a lone surrogate (it would come back as U+FFFD), and PostgreSQL
  // text cannot hold U+0000.
  if (!value.isWellFormed()) {
    throw new ChatOptionError('CHATTERBOX_INVALID_ARGUMENT', `${store}.${method}(): \`${field}\` holds a lone surrogate, which cannot be stored`);
  }
  if (value.includes('\u0000')) {
    throw new ChatOptionError('CHATTERBOX_INVALID_ARGUMENT', `${store}.${method}(): \`${field}\` holds U+0000, which cannot be stored`);
  }
}
