/** validateEmoji: one emoji grapheme, nothing smuggled in. */
import { MAX_REACTIONS_PER_MESSAGE, validateEmoji } from '../../lib/protocol/emoji';

describe('validateEmoji', () => {
  it.each([
    ['a pictograph', '👍'],
    ['a heart with variation selector 16', '❤️'],
    ['a skin tone', '👍🏽'],
    ['a ZWJ sequence', '👩🏽‍💻'],
    ['a family', '👨‍👩‍👧‍👦'],
    ['a flag', '🇫🇷'],
    ['a subdivision flag (tags)', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['a keycap', '1️⃣'],
    ['a ZWJ sequence with variation selectors', '❤️‍🔥'],
    ['a rainbow flag', '🏳️‍🌈'],
  ])('accepts %s', (_name, emoji) => {
    expect(validateEmoji(emoji)).toBe(emoji);
  });

  it.each([
    ['text', 'ok'],
    ['a digit', '1'],
    ['a hash', '#'],
    ['two emoji', '👍👍'],
    ['emoji and text', '👍 yes'],
    ['text after a ZWJ', '👍\u200dhi'],
    ['combining marks', '👍\u0301\u0301'],
    ['a bidi override', '\u202e👍'],
    ['a lone surrogate', '\ud83d'],
    ['the empty string', ''],
    ['a very long sequence', '👍\u200d'.repeat(20)],
    ['a number', 1],
    ['null', null],
    ['an object', { toString: () => '👍' }],
    ['an array', ['👍']],
    ['tag letters smuggled after an emoji', '👍\u{E0061}\u{E0064}\u{E006D}\u{E0069}\u{E006E}'],
    ['tag letters alone', '\u{E0061}\u{E0062}\u{E007F}'],
    ['a subdivision flag without its cancel tag', '🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}'],
    ['a cancel tag with nothing to close', '👍\u{E007F}'],
    ['doubled variation selectors', '👍\uFE0F\uFE0F\uFE0F'],
    ['a trailing ZWJ', '👍\u200d'],
    ['a doubled ZWJ', '👨\u200d\u200d👩'],
    ['a variation selector after a ZWJ', '👨\u200d\uFE0F👩'],
  ])('refuses %s with INVALID_REQUEST', (_name, value) => {
    expect(() => validateEmoji(value)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', message: 'emoji must be a single emoji, such as 👍' }) as Error);
  });

  it('allows 20 distinct reactions per message', () => {
    expect(MAX_REACTIONS_PER_MESSAGE).toBe(20);
  });
});
