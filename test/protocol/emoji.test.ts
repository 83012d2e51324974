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
  ])('refuses %s with INVALID_REQUEST', (_name, value) => {
    expect(() => validateEmoji(value)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', message: 'emoji must be a single emoji, such as 👍' }) as Error);
  });

  it('allows 20 distinct reactions per message', () => {
    expect(MAX_REACTIONS_PER_MESSAGE).toBe(20);
  });
});
