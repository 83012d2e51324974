/** The built package loads by name from a CommonJS project and from an ES module project. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const DIST_ENTRY = path.join(ROOT, 'dist', 'index.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let project: string;

beforeAll(() => {
  if (!fs.existsSync(DIST_ENTRY)) {
    throw new Error(`${path.relative(ROOT, DIST_ENTRY)} is missing: run "npm run build" (or "npm run build:lib") first; "npm test" does`);
  }
  // A project of its own that has the package installed by name, as a symlink to this repository.
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'chatterbox-consumer-'));
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(project, 'node_modules', 'express-chatterbox'), 'dir');
});

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** Writes `source` to `file` in the consumer project and runs it with node there. */
function runInProject(file: string, source: string): Promise<Run> {
  fs.writeFileSync(path.join(project, file), source);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      { cwd: project, timeout: 20_000, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the built package', () => {
  it('is required by name from CommonJS', async () => {
    const run = await runInProject('consumer.cjs', "console.log(typeof require('express-chatterbox').createChatMiddleware);\n");
    expect(run).toEqual({ code: 0, stdout: 'function\n', stderr: '' });
  });

  it('is imported by name from an ES module', async () => {
    const run = await runInProject(
      'consumer.mjs',
      "import { createChatMiddleware } from 'express-chatterbox';\nconsole.log(typeof createChatMiddleware);\n",
    );
    expect(run).toEqual({ code: 0, stdout: 'function\n', stderr: '' });
  });

  it('gives ES modules every runtime export of the CommonJS build, as the same objects', async () => {
    const run = await runInProject(
      'same-copy.mjs',
      [
        "import { createRequire } from 'node:module';",
        "import * as esm from 'express-chatterbox';",
        "const cjs = createRequire(import.meta.url)('express-chatterbox');",
        "const names = (o) => Object.keys(o).filter((k) => k !== 'default' && k !== '__esModule').sort();",
        'const differing = names(cjs).filter((k) => esm[k] !== cjs[k]);',
        'console.log(JSON.stringify({ esm: names(esm), cjs: names(cjs), differing }));',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe('');
    const { esm, cjs, differing } = JSON.parse(run.stdout) as { esm: string[]; cjs: string[]; differing: string[] };
    expect(cjs).toContain('createChatMiddleware');
    expect(esm).toEqual(cjs);
    expect(differing).toEqual([]);
  });

  it('has a file for every path in its exports map', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: unknown; main: string; types: string };
    const targets: string[] = [pkg.main, pkg.types];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(pkg.exports);
    expect(targets.filter((target) => !fs.existsSync(path.join(ROOT, target)))).toEqual([]);
  });
});
