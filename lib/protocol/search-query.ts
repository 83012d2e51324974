/** What `search` accepts, and the words a query is cut into: the same rule for every store. */
import { ChatError } from './error-codes';
import { codePointLength, isMessageId, isPlainObject } from './validate';

/** The longest query, in code points. */
export const MAX_SEARCH_LENGTH = 200;
/** The largest page of results. */
export const MAX_SEARCH_LIMIT = 50;
/** The page size when `limit` is left out. */
export const DEFAULT_SEARCH_LIMIT = 20;
/** Words past this many are ignored: each one costs the index a lookup. */
export const MAX_SEARCH_TERMS = 8;

// A word: letters, digits and the marks that combine with them. Everything else separates words,
// so no store's query syntax (FTS5 operators, tsquery operators, quotes) can reach it.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** A checked `search` request. */
export interface ParsedSearch {
  /** Lower-cased words, each matched as the start of a word. */
  terms: string[];
  /** The raw `room` field: omitted (undefined) means every room the socket reads. */
  room: unknown;
  before: number | undefined;
  limit: number;
}

/** Every word of `text`, lower-cased. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Every word of `text` as written, with its index: a page highlights the words a query matched. */
export function wordMatches(text: string): IterableIterator<RegExpMatchArray> {
  // matchAll works on a copy of the pattern, so the shared one's lastIndex never moves.
  return text.matchAll(WORD);
}

/** The words of a query (at most {@link MAX_SEARCH_TERMS}). */
export function searchTerms(text: string): string[] {
  return wordsOf(text).slice(0, MAX_SEARCH_TERMS);
}

/** Reads `search`'s `{ q, room?, before?, limit? }`; throws INVALID_REQUEST. */
export function parseSearchRequest(value: unknown): ParsedSearch {
  if (!isPlainObject(value)) throw new ChatError('INVALID_REQUEST', 'Expected { q, room?, before?, limit? }');
  const q = value.q;
  if (typeof q !== 'string' || q.trim() === '' || !q.isWellFormed() || CONTROL.test(q)) {
    throw new ChatError('INVALID_REQUEST', 'q must be the words to search for');
  }
  if (q.length > MAX_SEARCH_LENGTH && codePointLength(q) > MAX_SEARCH_LENGTH) {
    throw new ChatError('INVALID_REQUEST', `q can be at most ${MAX_SEARCH_LENGTH} characters`);
  }
  const terms = searchTerms(q);
  if (terms.length === 0) throw new ChatError('INVALID_REQUEST', 'q must hold at least one word (letters or digits)');
  if (value.before !== undefined && !isMessageId(value.before)) {
    throw new ChatError('INVALID_REQUEST', 'before must be a message id (a whole number ≥ 0)');
  }
  const limit = value.limit ?? DEFAULT_SEARCH_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw new ChatError('INVALID_REQUEST', `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}`);
  }
  return { terms, room: value.room, before: value.before, limit };
}
