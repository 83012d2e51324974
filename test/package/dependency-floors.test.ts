/** Every installed copy of a security-relevant dependency is at or above its patched version. */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Compares two semver versions: negative, zero or positive, like a sort comparator. */
function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
    if (!match) throw new TypeError(`not a semver version: ${JSON.stringify(version)}`);
    return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4]?.split('.') ?? [] };
  };
  const left = parse(a);
  const right = parse(b);
  for (let i = 0; i < 3; i++) {
    const difference = (left.core[i] ?? 0) - (right.core[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  // A release ranks above its pre-releases; pre-release identifiers compare one by one.
  if (left.pre.length === 0 || right.pre.length === 0) return Math.sign(right.pre.length - left.pre.length);
  for (let i = 0; i < Math.max(left.pre.length, right.pre.length); i++) {
    const x = left.pre[i];
    const y = right.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    if (xNumeric && yNumeric) return Math.sign(Number(x) - Number(y));
    if (xNumeric !== yNumeric) return xNumeric ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

interface LockEntry {
  version?: string;
  link?: boolean;
  dev?: boolean;
}

interface InstalledCopy {
  /** Where the lockfile puts it, e.g. `node_modules/engine.io/node_modules/ws`. */
  location: string;
  name: string;
  version: string;
}

/** Every package the lockfile installs, named by its last `node_modules/` segment (scopes kept). */
function installedCopies(): InstalledCopy[] {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    lockfileVersion: number;
    packages: Record<string, LockEntry>;
  };
  expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
  return Object.entries(lock.packages)
    .filter(([location, entry]) => location.includes('node_modules/') && entry.link !== true && entry.version !== undefined)
    .map(([location, entry]) => ({
      location,
      name: location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version as string,
    }));
}

// The alias `express4` (express@4, a devDependency for compatibility tests only) brings its own
// path-to-regexp 0.1.x, send 0.x and serve-static 1.x; the package itself never loads them.
const underExpress4 = (copy: InstalledCopy) => copy.location.startsWith('node_modules/express4/');

const FLOORS: [name: string, floor: string, exclude: (copy: InstalledCopy) => boolean][] = [
  ['socket.io-parser', '4.2.7', () => false],
  ['engine.io', '6.6.9', () => false],
  ['ws', '8.21.0', () => false],
  ['path-to-regexp', '8.4.0', underExpress4],
  ['send', '1.1.0', underExpress4],
  ['serve-static', '2.1.0', underExpress4],
];

describe('compareVersions', () => {
  it.each<[string, string, number]>([
    ['1.2.3', '1.2.3', 0],
    ['1.2.4', '1.2.3', 1],
    ['1.10.0', '1.9.9', 1],
    ['8.21.0', '8.3.0', 1],
    ['4.2.6', '4.2.7', -1],
    ['2.0.0', '10.0.0', -1],
    ['6.6.9-rc.1', '6.6.9', -1],
    ['6.6.9', '6.6.9-rc.1', 1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.beta', '1.0.0-beta', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-1', '1.0.0-alpha', -1],
    ['1.0.0+build.5', '1.0.0', 0],
    ['v8.4.0', '8.4.0', 0],
  ])('compares %s with %s as %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  it.each(['8.4', 'latest', '', '1.2.3.4', '^1.2.3'])('throws a TypeError for %p', (version) => {
    expect(() => compareVersions(version, '1.0.0')).toThrow(TypeError);
  });
});

describe('dependency floors (package-lock.json)', () => {
  const copies = installedCopies();

  describe.each(FLOORS)('%s', (name, floor, exclude) => {
    const checked = copies.filter((copy) => copy.name === name && !exclude(copy));

    it('is installed', () => {
      expect(checked.length).toBeGreaterThan(0);
    });

    it(`is at least ${floor} in every copy`, () => {
      const below = checked.filter((copy) => compareVersions(copy.version, floor) < 0).map((copy) => `${copy.location}@${copy.version}`);
      expect(below).toEqual([]);
    });

    it('matches the lockfile in node_modules', () => {
      const mismatched = checked
        .filter((copy) => fs.existsSync(path.join(ROOT, copy.location, 'package.json')))
        .map((copy) => {
          const installed = JSON.parse(fs.readFileSync(path.join(ROOT, copy.location, 'package.json'), 'utf8')) as { version: string };
          return { location: copy.location, lock: copy.version, installed: installed.version };
        })
        .filter((copy) => copy.lock !== copy.installed);
      expect(mismatched).toEqual([]);
    });
  });

  it('counts a scoped package by its full name, not its last segment', () => {
    // @types/send is not send: it must not be checked against send's floor.
    expect(copies.filter((copy) => copy.name === 'send').map((copy) => copy.location)).not.toContain('node_modules/@types/send');
  });

  it('skips only what sits under the express4 alias', () => {
    const skipped = copies.filter((copy) => FLOORS.some(([name, , exclude]) => copy.name === name && exclude(copy)));
    for (const copy of skipped) expect(copy.location).toMatch(/^node_modules\/express4\/node_modules\//);
  });
});
