/** The validators of client input: tables of the rules, and fast-check properties over any value. */
import fc from 'fast-check';
import { ChatError } from '../../lib/protocol/error-codes';
import { codePointLength, isMessageId, isPlainObject, parseChatRequest, parseHistoryRequest, parseLastId, validateMessageText } from '../../lib/protocol/validate';
import { foldNick, nickKey, validateNick } from '../../lib/protocol/nick';

/** What the README forbids in a nickname: control, format, unassigned, private-use, default-ignorable, separators. */
const FORBIDDEN_IN_NICK = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
/** What the README forbids in a message: control characters but tab and newline (LF, and CR for CRLF). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_IN_MESSAGE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Calls `fn`; returns its ChatError, or throws whatever else it threw, or fails if it returned. */
function chatErrorOf(fn: () => unknown): ChatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected a ChatError, but it returned');
}

/** Runs `fn`: its result, or undefined when it threw a ChatError with `code`; any other error escapes. */
function resultOrRefusal<T>(fn: () => T, code: string): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ChatError && error.code === code) return undefined;
    throw error;
  }
}

// One "character" of generated text: any code point, a lone surrogate, or one of the characters
// the rules single out (spaces, controls, invisibles, compatibility forms, the letters of SYSTEM).
const tricky = fc.constantFrom(
  ' ', '\t', '\n', '\r', '\u000B', '\u0000', '\u0007', '\u001B', '\u007F', '\u0085', '\u009B', '\u00A0', '\u00AD',
  '\u200B', '\u200D', '\u200E', '\u202E', '\u2066', '\u2028', '\u2029', '\u3000', '\u3164', '\uFEFF', '\uFE0F', '\uE000',
  '\u0301', '\u0345', 'ﬁ', 'ｓ', 'Ｓ', 'ſ', 'İ', 'ß', 'K', '😀', '👨‍👩‍👧', 'S', 'Y', 'T', 'E', 'M', 's', 'y', 't', 'e', 'm',
  '\uD800', '\uDFFF', '\u{E0001}', '\u{10FFFF}', '\u{F0000}',
);
const unit = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: tricky, weight: 3 },
  { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)), weight: 1 },
);
const text = fc.string({ unit, maxLength: 40 });
/** Any value at all, including what JSON cannot carry and what the types forbid. */
const anything = fc.anything({
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withObjectString: true,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withUnicodeString: true,
  key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'm', 'cid', 'before', 'limit', 'toString')),
});
const json = fc.jsonValue();
/** Objects shaped like the real requests, with values of any kind. */
const chatLike = fc.record(
  { m: fc.oneof(text, anything), cid: fc.oneof(fc.stringMatching(CLIENT_ID), text, anything) },
  { requiredKeys: [] },
);
const historyLike = fc.record(
  {
    before: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constant(2 ** 53), anything),
    limit: fc.oneof(fc.integer({ min: -5, max: 250 }), fc.double(), anything),
  },
  { requiredKeys: [] },
);

describe('validateNick', () => {
  describe('refuses what is not text', () => {
    it.each([
      ['a number', 42],
      ['an object', { nick: 'bob' }],
      ['an array', ['bob']],
      ['null', null],
      ['undefined', undefined],
      ['true', true],
      ['a boxed string', Object('bob') as unknown],
      ['an object with a __proto__ key', JSON.parse('{"__proto__":{"x":1}}') as unknown],
      ['an object with a constructor key', { constructor: 'bob' }],
      ['an object with a toString', { toString: () => 'bob' }],
      ['a symbol', Symbol('bob')],
      ['a bigint', 42n],
      ['a function', () => 'bob'],
    ])('throws INVALID_NICK "A nickname must be text" for %s', (_label, value) => {
      const error = chatErrorOf(() => validateNick(value, 32));
      expect([error.code, error.message]).toEqual(['INVALID_NICK', 'A nickname must be text']);
    });
  });

  it.each([
    ['bob', 'bob', 'bob'],
    ['  Bob  ', 'Bob', 'bob'],
    ['ｂｏｂ', 'bob', 'bob'],
    ['ＢＯＢ', 'BOB', 'bob'],
    ['\u00A0bob\u3000', 'bob', 'bob'],
    ['ﬁona', 'fiona', 'fiona'],
    ['Zoë', 'Zoë', 'zoë'],
    ['Zoe\u0308', 'Zoë', 'zoë'],
    ['__proto__', '__proto__', '__proto__'],
    ['constructor', 'constructor', 'constructor'],
    ['🦊', '🦊', '🦊'],
  ])('reads %j as the nickname %j, folded to %j', (given, nick, folded) => {
    expect(foldNick(nick)).toBe(folded);
    expect(validateNick(given, 32)).toEqual({ nick, key: nickKey(folded) });
  });

  // Bug: lower-casing after NFKC can leave a string NFKC would compose (j + U+030C → ǰ), so
  // case variants of one name get different keys and can both be claimed.
  it.each([
    ['J\u030C', '\u01F0'],
    ['J\u030C', 'j\u030C'],
    ['W\u030A', '\u1E98'],
    ['T\u0308', '\u1E97'],
    ['Y\u030A', '\u1E99'],
    ['H\u0331', '\u1E96'],
  ])('gives the case variants %j and %j one key', (upper, lower) => {
    expect(validateNick(upper, 32).key).toBe(validateNick(lower, 32).key);
  });

  it.each([
    ['abcde', 5, true],
    ['abcdef', 5, false],
    ['😀😀😀😀😀', 5, true],
    ['😀😀😀😀😀😀', 5, false],
    ['ａｂｃｄｅ', 5, true],
    ['a', 1, true],
  ])('counts %j against maxLength %i in code points after NFKC (accepted: %s)', (given, max, accepted) => {
    if (accepted) expect(validateNick(given, max).nick).toBe(given.normalize('NFKC'));
    else expect(chatErrorOf(() => validateNick(given, max)).message).toBe(`A nickname can be at most ${max} characters`);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a newline inside', 'a\nb'],
    ['DEL', 'a\u007Fb'],
    ['a C1 control', 'a\u0085b'],
    ['a zero-width space', 'a\u200Bb'],
    ['a zero-width joiner', 'a\u200Db'],
    ['a bidi override', 'a\u202Eb'],
    ['a bidi isolate', 'a\u2067b'],
    ['a soft hyphen', 'a\u00ADb'],
    ['an inner BOM', 'a\uFEFFb'],
    ['a line separator', 'a\u2028b'],
    ['a private-use character', 'a\uE000b'],
    ['an unassigned code point', 'a\u{E0080}b'],
    ['a tag character', 'a\u{E0041}b'],
    ['a variation selector', 'a\uFE0Fb'],
  ])('throws INVALID_NICK for %s', (_label, value) => {
    const error = chatErrorOf(() => validateNick(value, 32));
    expect([error.code, error.message]).toEqual(['INVALID_NICK', 'A nickname cannot hold invisible or control characters']);
  });

  it.each([['a\uD800'], ['\uDC00b']])('throws INVALID_NICK for the lone surrogate in %j', (value) => {
    expect(chatErrorOf(() => validateNick(value, 32)).message).toBe('That nickname holds broken characters');
  });

  it.each([[''], ['   '], ['\u00A0'], ['\t\n']])('throws INVALID_NICK "Choose a nickname" for %j', (value) => {
    expect(chatErrorOf(() => validateNick(value, 32)).message).toBe('Choose a nickname');
  });

  it.each([['SYSTEM'], ['system'], ['sYsTeM'], ['ＳＹＳＴＥＭ'], ['ſystem']])('reserves %j', (value) => {
    const error = chatErrorOf(() => validateNick(value, 32));
    expect([error.code, error.message]).toEqual(['INVALID_NICK', 'The nickname SYSTEM is reserved']);
  });

  describe('properties', () => {
    const check = (value: unknown, max: number): void => {
      const valid = resultOrRefusal(() => validateNick(value, max), 'INVALID_NICK');
      if (valid === undefined) return;
      expect(Object.keys(valid).sort()).toEqual(['key', 'nick']);
      expect(typeof value).toBe('string');
      expect(valid.nick).toBe(valid.nick.trim());
      expect(valid.nick.isWellFormed()).toBe(true);
      expect(codePointLength(valid.nick)).toBeGreaterThanOrEqual(1);
      expect(codePointLength(valid.nick)).toBeLessThanOrEqual(max);
      expect(valid.nick).not.toMatch(FORBIDDEN_IN_NICK);
      expect(valid.key).toBe(nickKey(valid.nick));
      expect(valid.key).not.toBe('system');
    };

    it('returns a valid nickname or throws INVALID_NICK, for any value', () => {
      fc.assert(fc.property(anything, fc.integer({ min: 1, max: 256 }), (value, max) => check(value, max)), { numRuns: 500 });
    });

    it('returns a valid nickname or throws INVALID_NICK, for any JSON value', () => {
      fc.assert(fc.property(json, fc.integer({ min: 1, max: 256 }), (value, max) => check(value, max)), { numRuns: 500 });
    });

    it('returns a trimmed, bounded, visible nickname or throws INVALID_NICK, for any text', () => {
      fc.assert(fc.property(text, fc.integer({ min: 1, max: 40 }), (value, max) => check(value, max)), { numRuns: 3000 });
    });

    it('gives back the NFKC form of what it was given, trimmed', () => {
      fc.assert(
        fc.property(text, (value) => {
          const valid = resultOrRefusal(() => validateNick(value, 40), 'INVALID_NICK');
          if (valid !== undefined) expect(valid.nick).toBe(value.normalize('NFKC').trim());
        }),
        { numRuns: 3000 },
      );
    });

    it('is idempotent: a nickname it returned is accepted again, unchanged', () => {
      fc.assert(
        fc.property(text, (value) => {
          const valid = resultOrRefusal(() => validateNick(value, 40), 'INVALID_NICK');
          if (valid !== undefined) expect(validateNick(valid.nick, 40)).toEqual(valid);
        }),
        { numRuns: 3000 },
      );
    });

    it('gives a key that is its own key (case folding then NFKC is stable)', () => {
      const folding = fc.string({
        unit: fc.oneof(unit, fc.constantFrom('J', 'W', 'T', 'Y', 'H', 'İ', '\u030C', '\u030A', '\u0308', '\u0331', '\u0F71', '\u064E')),
        maxLength: 12,
      });
      fc.assert(
        fc.property(folding, (value) => {
          const valid = resultOrRefusal(() => validateNick(value, 40), 'INVALID_NICK');
          if (valid !== undefined) expect(foldNick(foldNick(valid.nick))).toBe(foldNick(valid.nick));
        }),
        { numRuns: 5000 },
      );
    });

    it('gives the same key to case and compatibility variants', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[a-z]{1,12}$/), (word) => {
          fc.pre(word !== 'system');
          const fullWidth = String.fromCodePoint(...[...word.toUpperCase()].map((c) => c.codePointAt(0)! + 0xfee0));
          expect(validateNick(fullWidth, 32).key).toBe(validateNick(word, 32).key);
          expect(validateNick(word.toUpperCase(), 32).key).toBe(nickKey(word));
        }),
      );
    });
  });
});

describe('validateMessageText', () => {
  it.each([
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an array', ['hi']],
    ['an object', { m: 'hi' }],
    ['a boxed string', Object('hi') as unknown],
    ['true', true],
  ])('throws INVALID_MESSAGE "A message must be text" for %s', (_label, value) => {
    const error = chatErrorOf(() => validateMessageText(value, 2000));
    expect([error.code, error.message]).toEqual(['INVALID_MESSAGE', 'A message must be text']);
  });

  it.each([[''], [' '], ['\n\t\r\n'], ['\u00A0\u3000\uFEFF']])('throws INVALID_MESSAGE for the blank %j', (value) => {
    const error = chatErrorOf(() => validateMessageText(value, 2000));
    expect([error.code, error.message]).toEqual(['INVALID_MESSAGE', 'A message cannot be empty']);
  });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', 'a\u0007'],
    ['ESC', '\u001B[2J'],
    ['VT', 'a\u000Bb'],
    ['FF', 'a\u000Cb'],
    ['DEL', 'a\u007F'],
    ['NEL', 'a\u0085'],
    ['CSI', 'a\u009B'],
  ])('throws INVALID_MESSAGE for %s', (_label, value) => {
    const error = chatErrorOf(() => validateMessageText(value, 2000));
    expect([error.code, error.message]).toEqual(['INVALID_MESSAGE', 'A message cannot hold control characters']);
  });

  it.each([['a\uD800'], ['\uDC00']])('throws INVALID_MESSAGE for the lone surrogate in %j', (value) => {
    expect(chatErrorOf(() => validateMessageText(value, 2000)).message).toBe('That message holds broken characters');
  });

  it.each([['two\nlines'], ['crlf\r\nline'], ['tab\there'], ['  padded  '], ['👨‍👩‍👧'], ['a\u2028b'], ['<b>html</b>']])(
    'returns %j unchanged',
    (value) => {
      expect(validateMessageText(value, 2000)).toBe(value);
    },
  );

  it.each([
    ['abcde', 5, true],
    ['abcdef', 5, false],
    ['🦊🦊🦊🦊🦊', 5, true],
    ['🦊🦊🦊🦊🦊🦊', 5, false],
  ])('counts %j against maxLength %i in code points (accepted: %s)', (value, max, accepted) => {
    if (accepted) expect(validateMessageText(value, max)).toBe(value);
    else expect(chatErrorOf(() => validateMessageText(value, max)).message).toBe(`A message can be at most ${max} characters`);
  });

  describe('properties', () => {
    const check = (value: unknown, max: number): void => {
      const valid = resultOrRefusal(() => validateMessageText(value, max), 'INVALID_MESSAGE');
      if (valid === undefined) return;
      expect(valid).toBe(value);
      expect(valid.trim()).not.toBe('');
      expect(valid.isWellFormed()).toBe(true);
      expect(codePointLength(valid)).toBeLessThanOrEqual(max);
      expect(valid).not.toMatch(FORBIDDEN_IN_MESSAGE);
    };

    it('returns the text unchanged or throws INVALID_MESSAGE, for any value', () => {
      fc.assert(fc.property(anything, fc.integer({ min: 1, max: 100 }), (value, max) => check(value, max)), { numRuns: 500 });
    });

    it('returns the text unchanged or throws INVALID_MESSAGE, for any JSON value', () => {
      fc.assert(fc.property(json, fc.integer({ min: 1, max: 100 }), (value, max) => check(value, max)), { numRuns: 500 });
    });

    it('returns a non-blank, bounded, well-formed text or throws INVALID_MESSAGE, for any text', () => {
      fc.assert(fc.property(text, fc.integer({ min: 1, max: 40 }), (value, max) => check(value, max)), { numRuns: 3000 });
    });

    it('accepts every text of printable characters within the limit', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (value) => {
          fc.pre(value.trim() !== '');
          expect(validateMessageText(value, 200)).toBe(value);
        }),
      );
    });
  });
});

describe('parseChatRequest', () => {
  it('reads a bare string as { m }', () => {
    expect(parseChatRequest('hi', 2000)).toEqual({ m: 'hi' });
  });

  it.each([
    [{ m: 'hi' }, { m: 'hi' }],
    [{ m: 'hi', cid: 'abc-1_X' }, { m: 'hi', cid: 'abc-1_X' }],
    [{ m: 'hi', cid: undefined }, { m: 'hi' }],
    [{ m: 'hi', extra: 1 }, { m: 'hi' }],
    [JSON.parse('{"m":"hi","__proto__":{"cid":"!!"}}') as unknown, { m: 'hi' }],
    [Object.assign(Object.create(null) as object, { m: 'hi', cid: 'x' }), { m: 'hi', cid: 'x' }],
  ])('reads %j as %j', (value, expected) => {
    const request = parseChatRequest(value, 2000);
    expect(request).toEqual(expected);
    expect(Object.keys(request)).toEqual(Object.keys(expected));
  });

  it.each([
    ['a number', 42, 'A message must be text or { m, cid }'],
    ['null', null, 'A message must be text or { m, cid }'],
    ['an array', [{ m: 'hi' }], 'A message must be text or { m, cid }'],
    ['a class instance', new Date(), 'A message must be text or { m, cid }'],
    ['a Map', new Map([['m', 'hi']]), 'A message must be text or { m, cid }'],
    ['an object without m', {}, 'A message must be text'],
    ['m only under __proto__', JSON.parse('{"__proto__":{"m":"hi"}}') as unknown, 'A message must be text'],
    ['an inherited m', Object.create({ m: 'hi' }) as unknown, 'A message must be text or { m, cid }'],
    ['a blank m', { m: ' ' }, 'A message cannot be empty'],
    ['an empty cid', { m: 'hi', cid: '' }, 'cid must be 1 to 64 letters, digits, - or _'],
    ['a 65-character cid', { m: 'hi', cid: 'a'.repeat(65) }, 'cid must be 1 to 64 letters, digits, - or _'],
    ['a cid with a space', { m: 'hi', cid: 'a b' }, 'cid must be 1 to 64 letters, digits, - or _'],
    ['a cid with a newline at the end', { m: 'hi', cid: 'abc\n' }, 'cid must be 1 to 64 letters, digits, - or _'],
    ['a numeric cid', { m: 'hi', cid: 42 }, 'cid must be 1 to 64 letters, digits, - or _'],
    ['a null cid', { m: 'hi', cid: null }, 'cid must be 1 to 64 letters, digits, - or _'],
  ])('throws INVALID_MESSAGE for %s', (_label, value, message) => {
    const error = chatErrorOf(() => parseChatRequest(value, 2000));
    expect([error.code, error.message]).toEqual(['INVALID_MESSAGE', message]);
  });

  describe('properties', () => {
    const check = (value: unknown, max: number): void => {
      const request = resultOrRefusal(() => parseChatRequest(value, max), 'INVALID_MESSAGE');
      if (request === undefined) return;
      expect(validateMessageText(request.m, max)).toBe(request.m);
      if (typeof value === 'string') {
        expect(request).toEqual({ m: value });
        return;
      }
      expect(isPlainObject(value)).toBe(true);
      const given = value as { m: unknown; cid?: unknown };
      expect(request.m).toBe(given.m);
      if (request.cid === undefined) {
        expect(Object.keys(request)).toEqual(['m']);
        expect(given.cid).toBeUndefined();
      } else {
        expect(Object.keys(request)).toEqual(['m', 'cid']);
        expect(request.cid).toMatch(CLIENT_ID);
        expect(request.cid).toBe(given.cid);
      }
    };

    it('returns { m, cid? } or throws INVALID_MESSAGE, for any value', () => {
      fc.assert(fc.property(fc.oneof(anything, chatLike), fc.integer({ min: 1, max: 100 }), check), { numRuns: 1000 });
    });

    it('returns { m, cid? } or throws INVALID_MESSAGE, for any JSON value', () => {
      fc.assert(fc.property(fc.oneof(json, text), fc.integer({ min: 1, max: 100 }), check), { numRuns: 1000 });
    });

    it('keeps every well-formed { m, cid }', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), fc.stringMatching(CLIENT_ID), (m, cid) => {
          fc.pre(m.trim() !== '');
          expect(parseChatRequest({ m, cid }, 200)).toEqual({ m, cid });
        }),
      );
    });
  });
});

describe('parseHistoryRequest', () => {
  it.each([
    [undefined, {}],
    [null, {}],
    [{}, {}],
    [{ before: 0 }, { before: 0 }],
    [{ before: 12, limit: 3 }, { before: 12, limit: 3 }],
    [{ limit: 1 }, { limit: 1 }],
    [{ limit: 200 }, { limit: 200 }],
    [{ before: Number.MAX_SAFE_INTEGER }, { before: Number.MAX_SAFE_INTEGER }],
    [{ before: undefined, limit: undefined }, {}],
    [{ room: 'x', other: 1 }, {}],
    [JSON.parse('{"__proto__":{"before":"x"}}') as unknown, {}],
  ])('reads %j as %j', (value, expected) => {
    const request = parseHistoryRequest(value, 200);
    expect(request).toEqual(expected);
    expect(Object.keys(request)).toEqual(Object.keys(expected));
  });

  it.each([
    ['a string', '5', 'A history request must be an object like { before, limit }'],
    ['a number', 5, 'A history request must be an object like { before, limit }'],
    ['an array', [], 'A history request must be an object like { before, limit }'],
    ['a Date', new Date(), 'A history request must be an object like { before, limit }'],
    ['before as a string', { before: '5' }, 'before must be a message id (a whole number ≥ 0)'],
    ['a negative before', { before: -1 }, 'before must be a message id (a whole number ≥ 0)'],
    ['a fractional before', { before: 1.5 }, 'before must be a message id (a whole number ≥ 0)'],
    ['before: NaN', { before: NaN }, 'before must be a message id (a whole number ≥ 0)'],
    ['before: Infinity', { before: Infinity }, 'before must be a message id (a whole number ≥ 0)'],
    ['an unsafe before', { before: 2 ** 53 }, 'before must be a message id (a whole number ≥ 0)'],
    ['before as a bigint', { before: 5n }, 'before must be a message id (a whole number ≥ 0)'],
    ['before: null', { before: null }, 'before must be a message id (a whole number ≥ 0)'],
    ['limit 0', { limit: 0 }, 'limit must be a whole number from 1 to 200'],
    ['a negative limit', { limit: -1 }, 'limit must be a whole number from 1 to 200'],
    ['a fractional limit', { limit: 2.5 }, 'limit must be a whole number from 1 to 200'],
    ['a huge limit', { limit: 1e12 }, 'limit must be a whole number from 1 to 200'],
    ['limit 201', { limit: 201 }, 'limit must be a whole number from 1 to 200'],
    ['limit as a string', { limit: '5' }, 'limit must be a whole number from 1 to 200'],
    ['limit: NaN', { limit: NaN }, 'limit must be a whole number from 1 to 200'],
  ])('throws INVALID_REQUEST for %s', (_label, value, message) => {
    const error = chatErrorOf(() => parseHistoryRequest(value, 200));
    expect([error.code, error.message]).toEqual(['INVALID_REQUEST', message]);
  });

  describe('properties', () => {
    const check = (value: unknown, max: number): void => {
      const request = resultOrRefusal(() => parseHistoryRequest(value, max), 'INVALID_REQUEST');
      if (request === undefined) return;
      for (const key of Object.keys(request)) expect(['before', 'limit']).toContain(key);
      if (request.before !== undefined) {
        expect(Number.isSafeInteger(request.before)).toBe(true);
        expect(request.before).toBeGreaterThanOrEqual(0);
      }
      if (request.limit !== undefined) {
        expect(Number.isInteger(request.limit)).toBe(true);
        expect(request.limit).toBeGreaterThanOrEqual(1);
        expect(request.limit).toBeLessThanOrEqual(max);
      }
    };

    it('returns { before?, limit? } in range or throws INVALID_REQUEST, for any value', () => {
      fc.assert(fc.property(fc.oneof(anything, historyLike), fc.integer({ min: 1, max: 500 }), check), { numRuns: 1000 });
    });

    it('returns { before?, limit? } in range or throws INVALID_REQUEST, for any JSON value', () => {
      fc.assert(fc.property(json, fc.integer({ min: 1, max: 500 }), check), { numRuns: 1000 });
    });

    it('keeps every valid before and limit', () => {
      fc.assert(
        fc.property(fc.nat(), fc.integer({ min: 1, max: 200 }), (before, limit) => {
          expect(parseHistoryRequest({ before, limit }, 200)).toEqual({ before, limit });
        }),
      );
    });
  });
});

describe('parseLastId and isMessageId', () => {
  it.each([
    [0, 0],
    [7, 7],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [-1, undefined],
    [1.5, undefined],
    ['7', undefined],
    [null, undefined],
    [undefined, undefined],
    [2 ** 53, undefined],
    [NaN, undefined],
    [{ valueOf: (): number => 7 }, undefined],
  ])('reads %p as %p', (value, expected) => {
    expect(parseLastId(value)).toBe(expected);
  });

  it('never throws and returns only safe non-negative integers, for any value', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const id = parseLastId(value);
        expect(id === undefined || (Number.isSafeInteger(id) && id >= 0)).toBe(true);
        expect(isMessageId(value)).toBe(id !== undefined);
      }),
    );
  });
});

describe('codePointLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['😀', 1],
    ['👨‍👩‍👧', 5],
    ['\uD800', 1],
    ['\uD800\uD800', 2],
    ['\uDC00\uD800', 2],
  ])('counts %j as %i', (value, length) => {
    expect(codePointLength(value)).toBe(length);
  });

  it('agrees with the string iterator for any text', () => {
    fc.assert(fc.property(text, (value) => expect(codePointLength(value)).toBe([...value].length)), { numRuns: 2000 });
  });
});

describe('isPlainObject', () => {
  it.each([
    [{}, true],
    [Object.create(null), true],
    [JSON.parse('{"__proto__":{}}'), true],
    [[], false],
    [null, false],
    [new Date(), false],
    [new Map(), false],
    [Object('x'), false],
    [Object.create({}), false],
    ['x', false],
  ])('says %p is plain: %p', (value, expected) => {
    expect(isPlainObject(value)).toBe(expected);
  });
});
