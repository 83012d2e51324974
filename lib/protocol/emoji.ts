/** What a reaction may be: exactly one emoji, as the user sees it (one grapheme), and nothing else. */
import { ChatError } from './error-codes';

/** The most distinct emoji one message may carry; a new one past it gets `TOO_MANY_REACTIONS`. */
export const MAX_REACTIONS_PER_MESSAGE = 20;

// The longest real emoji sequences (flags of subdivisions, families with skin tones) are under
// 30 UTF-16 units; anything longer is not one emoji.
const MAX_EMOJI_UNITS = 32;

// Every code point must belong to emoji: pictographs, presentation forms, skin-tone modifiers and
// the components that join them (ZWJ, variation selector 16, keycap, tags, regional indicators).
const EMOJI_PARTS = /^(?:\p{Extended_Pictographic}|\p{Emoji_Presentation}|\p{Emoji_Modifier}|\p{Emoji_Component})+$/u;

// …and at least one must be a picture or a keycap: `#` or `1` alone are Emoji_Component but text.
const SOMETHING_TO_SEE = /\p{Extended_Pictographic}|\p{Emoji_Presentation}|\u20E3/u;

// Tag characters (U+E0020–E007F) spell invisible ASCII: they may only form a subdivision flag,
// the black flag followed by tag letters and closed by the cancel tag. Anywhere else they smuggle text.
const TAG = /[\u{E0020}-\u{E007F}]/u;
const TAG_SEQUENCE = /^\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}$/u;

// A variation selector or a zero-width joiner that does not sit between the parts it joins:
// leading, trailing (ZWJ), doubled, or a selector right after a joiner.
const MISPLACED_JOINERS = /^(?:\u200D|\uFE0F)|\u200D$|(?:\u200D|\uFE0F)\uFE0F|\u200D\u200D/u;

// A Segmenter is costly to create and safe to share.
let segmenter: Intl.Segmenter | undefined;

/** Returns `value` when it is a single emoji grapheme; throws INVALID_REQUEST otherwise. */
export function validateEmoji(value: unknown): string {
  const refuse = (): never => {
    throw new ChatError('INVALID_REQUEST', 'emoji must be a single emoji, such as 👍');
  };
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_EMOJI_UNITS || !value.isWellFormed()) return refuse();
  if (!EMOJI_PARTS.test(value) || !SOMETHING_TO_SEE.test(value)) return refuse();
  if ((TAG.test(value) && !TAG_SEQUENCE.test(value)) || MISPLACED_JOINERS.test(value)) return refuse();
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let graphemes = 0;
  for (const segment of segmenter.segment(value)) {
    void segment;
    if (++graphemes > 1) return refuse();
  }
  return value;
}
