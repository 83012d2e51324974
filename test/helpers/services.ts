/**
 * Which outside services (PostgreSQL, Redis, Chromium) the tests can use, and `describeWithService`
 * to run a suite only when its service is there: skipped with a printed reason on a laptop,
 * failed under `CI=true`, where a missing service is a broken pipeline and not a reason to pass.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The PostgreSQL the tests use: `DATABASE_URL`, else the local `test` database as `postgres`. */
export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** The Redis the tests use: `REDIS_URL`, else the local default port. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A service a suite may need. */
export type Service = 'postgres' | 'redis' | 'chromium';

const LABELS: Record<Service, string> = { postgres: 'PostgreSQL', redis: 'Redis', chromium: 'Chromium' };

const HOW_TO_PROVIDE: Record<Service, string> = {
  postgres: `start PostgreSQL with a database reachable at ${POSTGRES_URL}, or set DATABASE_URL`,
  redis: `start Redis at ${REDIS_URL}, or set REDIS_URL`,
  chromium: 'install Chromium (e.g. apt-get install chromium), or set CHROMIUM_PATH',
};

// Probes run in a child process because jest registers describe blocks synchronously, so the
// answer must be known before the first `describe` and cannot be awaited.
const POSTGRES_PROBE = `
const { Client } = require(process.argv[1]);
const client = new Client({ connectionString: process.argv[2], connectionTimeoutMillis: 2000 });
client.connect()
  .then(() => client.query('SELECT 1'))
  .then(() => client.end())
  .then(() => process.exit(0), (error) => { process.stdout.write(String(error && error.message || error)); process.exit(1); });
`;

const REDIS_PROBE = `
const Redis = require(process.argv[1]);
const redis = new Redis(process.argv[2], { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
redis.on('error', () => {});
redis.connect()
  .then(() => redis.ping())
  .then(() => redis.quit())
  .then(() => process.exit(0), (error) => { process.stdout.write(String(error && error.message || error)); process.exit(1); });
`;

const reasons = new Map<Service, string | undefined>();

/** True when PostgreSQL answers at {@link POSTGRES_URL}. */
export function postgresAvailable(): boolean {
  return unavailableReason('postgres') === undefined;
}

/** True when Redis answers at {@link REDIS_URL}. */
export function redisAvailable(): boolean {
  return unavailableReason('redis') === undefined;
}

/** True when a Chromium executable was found (see {@link chromiumExecutable}). */
export function chromiumAvailable(): boolean {
  return unavailableReason('chromium') === undefined;
}

/**
 * The Chromium to drive: `CHROMIUM_PATH`, else a system install, else the browser
 * playwright-core downloaded; `undefined` if there is none.
 */
export function chromiumExecutable(): string | undefined {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    playwrightChromium(),
  ];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

/** Why `service` cannot be used, or `undefined` when it can; probed once per test file. */
export function unavailableReason(service: Service): string | undefined {
  if (!reasons.has(service)) reasons.set(service, probe(service));
  return reasons.get(service);
}

/**
 * `describe(name, fn)` when `service` is available. Otherwise prints why and skips the block,
 * except under `CI=true`, where it registers a failing test that says what is missing.
 */
export function describeWithService(service: Service, name: string, fn: () => void): void {
  const reason = unavailableReason(service);
  if (reason === undefined) {
    describe(name, fn);
    return;
  }
  const label = LABELS[service];
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${label}`, () => {
        throw new Error(`${label} is required under CI=true: ${reason}. To fix: ${HOW_TO_PROVIDE[service]}.`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": ${label} is unavailable (${reason}). To run it: ${HOW_TO_PROVIDE[service]}.`);
  describe.skip(name, fn);
}

function probe(service: Service): string | undefined {
  switch (service) {
    case 'postgres':
      return runProbe(POSTGRES_PROBE, require.resolve('pg'), POSTGRES_URL);
    case 'redis':
      return runProbe(REDIS_PROBE, require.resolve('ioredis'), REDIS_URL);
    case 'chromium':
      return chromiumExecutable() === undefined ? 'no Chromium executable found' : undefined;
  }
}

/** Runs a probe script in a child Node; its stdout is the reason on failure. */
function runProbe(script: string, modulePath: string, url: string): string | undefined {
  const result = spawnSync(process.execPath, ['-e', script, modulePath, url], { encoding: 'utf8', timeout: 5_000 });
  if (result.status === 0) return undefined;
  if (result.error) return result.error.message;
  if (result.signal) return `no answer from ${redact(url)} within 5 s`;
  const output = `${result.stdout}`.trim() || `${result.stderr}`.trim().split('\n')[0] || `exit code ${result.status}`;
  return `${redact(url)}: ${output}`;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function playwrightChromium(): string | undefined {
  try {
    // Loaded lazily and synchronously: only browser suites need it, it is slow to load, and the
    // answer is needed before describe blocks are registered.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const playwright = require('playwright-core') as { chromium: { executablePath(): string } };
    return playwright.chromium.executablePath();
  } catch {
    return undefined;
  }
}
