/** The request targets that try to leave the served folder, shared by the Express 5 and Express 4 suites. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A target as written on the request line, and what the router answers it (status and body). */
export type TraversalCase = [target: string, status: number, body: string];

export const TRAVERSAL_CASES: TraversalCase[] = [
  ['/chat/../package.json', 403, 'Forbidden'],
  ['/chat/%2e%2e/package.json', 403, 'Forbidden'],
  ['/chat/%2E%2E/package.json', 403, 'Forbidden'],
  // Decoded once by send, this is a file literally named "%2e%2e": missing, not a way up.
  ['/chat/%252e%252e/package.json', 404, 'Not Found'],
  ['/chat/..%2fpackage.json', 403, 'Forbidden'],
  ['/chat/..%5cpackage.json', 403, 'Forbidden'],
  ['/chat/..\\package.json', 403, 'Forbidden'],
  ['/chat/nested/../../package.json', 403, 'Forbidden'],
  ['/chat/..%2f..%2f..%2fpackage.json', 403, 'Forbidden'],
  ['/chat/%2e%2e/%2e%2e/%2e%2e/package.json', 403, 'Forbidden'],
  ['/chat/%00', 400, 'Bad Request'],
  ['/chat/index.html%00.js', 400, 'Bad Request'],
  ['/chat/%E0%A4%A', 400, 'Bad Request'],
  ['/chat/%', 400, 'Bad Request'],
];

/** What no answer may contain: the folders of this machine, a dependency's path, a stack frame, the canary. */
export function expectNoLeak(raw: string, folders: string[]): void {
  for (const folder of ['/work', ...folders]) expect(raw).not.toContain(folder);
  expect(raw).not.toContain('node_modules');
  expect(raw).not.toContain(CANARY);
  expect(raw).not.toContain('"name": "express-chatterbox"');
  expect(raw).not.toMatch(/^\s*at \S/m);
}

/** Text in the file one level above the served folder; seeing it means a traversal worked. */
export const CANARY = 'TRAVERSAL-CANARY-7f3a';

/**
 * A temporary `<base>/public` folder to serve, with `<base>/package.json` holding the canary right
 * where `/chat/../package.json` would land.
 */
export function makeCanaryRoot(): { base: string; root: string; remove(): void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'chatterbox-traversal-'));
  const root = path.join(base, 'public');
  fs.mkdirSync(path.join(root, 'nested'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<html><head></head><body>served</body></html>');
  fs.writeFileSync(path.join(root, 'nested', 'note.txt'), 'nested\n');
  fs.writeFileSync(path.join(base, 'package.json'), JSON.stringify({ secret: CANARY }));
  return { base, root, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}
