/**
 * The one nickname module, shared by the server and the page: how a name is normalised and
 * checked, the fold two names are compared by on screen, and the key that keeps names unique
 * (the UTS #39 confusable skeleton, so `аlice` with a Cyrillic а is `alice`), plus the
 * mixed-script test (UTS #39 "highly restrictive"). Room names share the text rules.
 */
import { CASE_MERGES, CONFUSABLES } from './confusables-data';
import { ChatError } from './error-codes';
import { SYSTEM_NICK } from './payloads';
import { codePointLength } from './validate';

/** A nickname as shown, and the key two nicknames are compared by. */
export interface ValidNick {
  nick: string;
  key: string;
}

// Controls, format characters (zero-width, bidi overrides), unassigned and private-use code
// points, line/paragraph separators and default-ignorables can make two names look alike or
// reorder the text around them, so no nickname may hold one.
const FORBIDDEN_IN_NICK =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;


let prototypes: Map<number, string> | undefined;
let caseMerges: Map<number, string> | undefined;

/** Parses `from:to to…;` entries of hex code points. */
function parseTable(entries: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const entry of entries.split(';')) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const from = parseInt(entry.slice(0, colon), 16);
    const to = String.fromCodePoint(...entry.slice(colon + 1).split(' ').map((part) => parseInt(part, 16)));
    map.set(from, to);
  }
  return map;
}

function table(): Map<number, string> {
  prototypes ??= parseTable(CONFUSABLES);
  return prototypes;
}

/** UTS #39 skeleton(X): NFD, each code point replaced by its prototype, NFD again. */
export function skeleton(text: string): string {
  const map = table();
  let out = '';
  for (const ch of text.normalize('NFD')) out += map.get(ch.codePointAt(0) ?? 0) ?? ch;
  return out.normalize('NFD');
}

/**
 * The key nicknames are compared by: the UTS #39 skeleton of the NFKC case fold of the name's skeleton, with the
 * prototypes of a Latin capital and its small letter written as one (capital I's prototype is l,
 * small i's is i: without this, `ALICE` would not meet `alice`, or `аӀісе` — Cyrillic, with a
 * capital palochka — would not). So `Alice`, `ALICE`, `ａｌｉｃｅ`, `аlice` and `аӀісе` are one
 * name. Accepts a raw or normalised name.
 */
export function nickKey(nick: string): string {
  caseMerges ??= parseTable(CASE_MERGES);
  let key = '';
  // The skeleton is taken before folding too: a capital of another script may look Latin while its
  // small letter does not (Cyrillic В is B, в is not b), so `ВОВ` must meet `bob` as a capital.
  for (const ch of skeleton(foldNick(skeleton(normalizeNick(nick))))) key += caseMerges.get(ch.codePointAt(0) ?? 0) ?? ch;
  return key;
}

/** How a name is shown: NFKC, trimmed. */
export function normalizeNick(raw: string): string {
  return raw.normalize('NFKC').trim();
}

/** The case- and compatibility-fold of a name: `Alice`, `alice` and `ａｌｉｃｅ` share one. */
export function foldNick(nick: string): string {
  // Lower-casing can yield text NFKC composes differently (J̌ → ǰ), so normalise again after it.
  return nick.normalize('NFKC').toLowerCase().normalize('NFKC');
}

/**
 * Checks a name's text by the nickname rules and returns it normalised (NFKC, trimmed); throws
 * INVALID_NICK. Room names use the same rules.
 */
export function checkNickText(value: unknown, maxLength: number): string {
  if (typeof value !== 'string') {
    throw new ChatError('INVALID_NICK', 'A nickname must be text');
  }
  if (!value.isWellFormed()) {
    throw new ChatError('INVALID_NICK', 'That nickname holds broken characters');
  }
  const nick = normalizeNick(value);
  const length = codePointLength(nick);
  if (length === 0) throw new ChatError('INVALID_NICK', 'Choose a nickname');
  if (length > maxLength) {
    throw new ChatError('INVALID_NICK', `A nickname can be at most ${maxLength} characters`);
  }
  if (FORBIDDEN_IN_NICK.test(nick)) {
    throw new ChatError('INVALID_NICK', 'A nickname cannot hold invisible or control characters');
  }
  if (foldNick(nick) === SYSTEM_NICK.toLowerCase()) {
    throw new ChatError('INVALID_NICK', `The nickname ${SYSTEM_NICK} is reserved`);
  }
  return nick;
}

/** Checks and normalises a nickname; its key is {@link nickKey}. */
export function validateNick(value: unknown, maxLength: number): ValidNick {
  const nick = checkNickText(value, maxLength);
  return { nick, key: nickKey(nick) };
}



// Every script Unicode 15 names; those this Node's regex engine does not know are skipped.
const SCRIPT_NAMES = (
  'Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki ' +
  'Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee ' +
  'Chorasmian Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan ' +
  'Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi ' +
  'Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inscriptional_Pahlavi ' +
  'Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script Khmer ' +
  'Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam ' +
  'Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive ' +
  'Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue ' +
  'Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic ' +
  'Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong Palmyrene ' +
  'Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham ' +
  'SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le ' +
  'Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi ' +
  'Wancho Warang_Citi Yezidi Yi Zanabazar_Square'
).split(' ');

let scriptTests: [string, RegExp][] | undefined;

function scripts(): [string, RegExp][] {
  if (scriptTests !== undefined) return scriptTests;
  scriptTests = [];
  for (const name of SCRIPT_NAMES) {
    try {
      scriptTests.push([name, new RegExp(`^\\p{Script_Extensions=${name}}$`, 'u')]);
    } catch {
      // An older engine without this script: its characters count as their own script below.
    }
  }
  return scriptTests;
}

const COMMON_OR_INHERITED = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

// UTS #39 augmentation: Han is also written with kana (Japanese), Hangul (Korean) or Bopomofo.
const AUGMENT: Readonly<Record<string, readonly string[]>> = {
  Han: ['Han', 'Jpan', 'Kore', 'Hanb'],
  Hiragana: ['Hiragana', 'Jpan'],
  Katakana: ['Katakana', 'Jpan'],
  Hangul: ['Hangul', 'Kore'],
  Bopomofo: ['Bopomofo', 'Hanb'],
};

function scriptSet(ch: string): Set<string> | undefined {
  if (COMMON_OR_INHERITED.test(ch)) return undefined;
  const found = new Set<string>();
  for (const [name, test] of scripts()) {
    if (test.test(ch)) for (const augmented of AUGMENT[name] ?? [name]) found.add(augmented);
  }
  if (found.size === 0) found.add(`U+${(ch.codePointAt(0) ?? 0).toString(16)}`);
  return found;
}

/** Whether every character of `text` is ASCII. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function resolvedScripts(chars: readonly string[]): Set<string> | undefined {
  let resolved: Set<string> | undefined;
  for (const ch of chars) {
    const set = scriptSet(ch);
    if (set === undefined) continue;
    resolved = resolved === undefined ? set : new Set([...resolved].filter((name) => set.has(name)));
    if (resolved.size === 0) return resolved;
  }
  return resolved;
}

/**
 * True when the text mixes scripts the way spoofs do (`раypal`: Cyrillic and Latin). One script,
 * plus Common and Inherited characters, is fine; so is Latin with Japanese, Korean or Chinese
 * (Bopomofo) writing, as UTS #39's "highly restrictive" level allows.
 */
export function isMixedScript(text: string): boolean {
  // ASCII letters are all Latin and the rest of ASCII is Common: nothing to mix. Most names are
  // ASCII, and the script tests below cost about 40 µs per name (a tenth of a login in a storm).
  if (isAscii(text)) return false;
  const chars = Array.from(text.normalize('NFD'));
  const all = resolvedScripts(chars);
  if (all === undefined || all.size > 0) return false;
  const withoutLatin = resolvedScripts(chars.filter((ch) => !/^\p{Script_Extensions=Latin}$/u.test(ch)));
  return !(withoutLatin !== undefined && ['Jpan', 'Kore', 'Hanb'].some((name) => withoutLatin.has(name)));
}
