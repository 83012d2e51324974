/**
 * The one error class for a developer's mistake: a bad option, a bad argument to the host API or
 * a store, a missing optional dependency, a chat used in the wrong state. Each has a stable code.
 */
import { nearestName, showValue } from './suggest';

/** What `err.code` of a {@link ChatOptionError} can be; never renamed, each listed in the README. */
export type OptionErrorCode =
  /** A key that is not an option (the message suggests the nearest one). */
  | 'CHATTERBOX_UNKNOWN_OPTION'
  /** An option of the wrong type or out of range (the message names it and shows the value). */
  | 'CHATTERBOX_INVALID_OPTION'
  /** A host API call or a store method got an argument it cannot use. */
  | 'CHATTERBOX_INVALID_ARGUMENT'
  /** An option needs an optional peer dependency that is not installed (the message says what to install). */
  | 'CHATTERBOX_MISSING_DEPENDENCY'
  /** A second chat on the same namespace of one Socket.IO server. */
  | 'CHATTERBOX_DUPLICATE_NAMESPACE'
  /** A call the chat cannot take now: attaching twice, after `close()`, or the host API before attaching. */
  | 'CHATTERBOX_INVALID_STATE';

/** A developer's mistake, thrown at creation (or at the call); a `TypeError` with a `code`. */
export class ChatOptionError extends TypeError {
  /** Which kind of mistake it is. */
  readonly code: OptionErrorCode;

  constructor(code: OptionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TypeError';
    this.code = code;
  }
}

/** `option "name" must be <expected>; got <value>`. */
export function invalidOption(name: string, expected: string, value: unknown): ChatOptionError {
  return new ChatOptionError('CHATTERBOX_INVALID_OPTION', `express-chatterbox: option "${name}" must be ${expected}; got ${showValue(value)}`);
}

/** An unknown key of `where` (`''` for the top level), with the nearest known name when one is close. */
export function unknownOption(where: string, key: string, known: readonly string[]): ChatOptionError {
  const suggestion = nearestName(key, known);
  const name = where === '' ? key : `${where}.${key}`;
  // The top level has dozens of options: list them only for a small nested object.
  let hint = '';
  if (suggestion !== undefined) hint = ` (did you mean "${where === '' ? '' : `${where}.`}${suggestion}"?)`;
  else if (where !== '') hint = ` (known: ${known.join(', ')})`;
  return new ChatOptionError('CHATTERBOX_UNKNOWN_OPTION', `express-chatterbox: unknown option "${name}"${hint}`);
}

/** A bad argument to a host API call or a store method. */
export function invalidArgument(message: string): ChatOptionError {
  return new ChatOptionError('CHATTERBOX_INVALID_ARGUMENT', `express-chatterbox: ${message}`);
}
