/**
 * Every TypeScript and JavaScript block of the README, compiled as a user's project would compile
 * it: against the built package's own declarations (resolved by name through its exports map),
 * under `strict` and `exactOptionalPropertyTypes`. A block preceded by `<!-- fragment -->` is not
 * a whole program and is only parsed. The "Testing your app" sample is also run, with node's test
 * runner, and must leave no history file behind. The quick start runs in quick-start.test.ts.
 *
 * The README's reference tables are checked against the package too: every option of
 * `ChatOptions` and `ClusterOptions` has a row, and every error code is listed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { removeTempDirs, tempDir } from '../history-e2e/support';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');
const README_PATH = path.join(ROOT, 'README.md');
const README = fs.readFileSync(README_PATH, 'utf8');
const DIST_TYPES = path.join(ROOT, 'dist', 'index.d.ts');
const DIST_ENTRY = path.join(ROOT, 'dist', 'index.js');
/** Where the samples seem to live: inside the package, so `express-chatterbox` resolves to itself by name. */
const SAMPLE_DIR = path.join(ROOT, 'test', 'readme', '__readme_samples__');

const CODE_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript']);
const FRAGMENT_MARK = '<!-- fragment -->';

/** A fenced code block of the README. */
interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  code: string;
  /** Marked `<!-- fragment -->` on the line before the fence (blank lines allowed between). */
  fragment: boolean;
  /** The nearest heading above it. */
  heading: string;
}

function readmeBlocks(): Block[] {
  const lines = README.split('\n');
  const blocks: Block[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const open = /^```(\S*)\s*$/.exec(line);
    if (!open) continue;
    const end = lines.findIndex((candidate, index) => index > i && candidate.startsWith('```'));
    if (end === -1) throw new Error(`README.md:${i + 1}: a code block that never closes`);
    let before = i - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    blocks.push({
      line: i + 1,
      language: open[1] ?? '',
      code: lines.slice(i + 1, end).join('\n'),
      fragment: (lines[before] ?? '').trim() === FRAGMENT_MARK,
      heading,
    });
    i = end;
  }
  return blocks;
}

const codeBlocks = readmeBlocks().filter((block) => CODE_LANGUAGES.has(block.language));
const isJs = (block: Block): boolean => block.language === 'js' || block.language === 'javascript';
const sampleFile = (block: Block): string => path.join(SAMPLE_DIR, `readme-line-${block.line}.${isJs(block) ? 'js' : 'ts'}`);

/** What a host's strict tsconfig says (`tsc --init` today, plus the usual strictness). */
const HOST_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  esModuleInterop: true,
  skipLibCheck: true,
  allowJs: true,
  checkJs: true,
  noEmit: true,
  types: ['node'],
};

/** One program holding every whole sample, served from memory; everything else comes from disk. */
function compileSamples(blocks: Block[]): { program: ts.Program; diagnostics: Map<Block, string[]> } {
  const sources = new Map(blocks.map((block) => [sampleFile(block), block.code]));
  const host = ts.createCompilerHost(HOST_COMPILER_OPTIONS, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => sources.has(file) || fileExists.call(host, file);
  host.readFile = (file) => sources.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = sources.get(file);
    return text === undefined ? getSourceFile.call(host, file, language, ...rest) : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram([...sources.keys()], HOST_COMPILER_OPTIONS, host);
  const diagnostics = new Map<Block, string[]>();
  for (const block of blocks) {
    const source = program.getSourceFile(sampleFile(block));
    if (!source) throw new Error(`the sample at README.md:${block.line} did not load`);
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    diagnostics.set(block, found.map((diagnostic) => located(block, diagnostic)));
  }
  return { program, diagnostics };
}

/** `README.md:<line>: TS<code> <message>`, pointing at the README's own line. */
function located(block: Block, diagnostic: ts.Diagnostic): string {
  const where =
    diagnostic.file && diagnostic.start !== undefined
      ? `README.md:${block.line + 1 + diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line}`
      : `README.md:${block.line}`;
  return `${where}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
}

/** The property names of an exported interface, as the package's declarations give them. */
function interfaceKeys(program: ts.Program, exported: string): string[] {
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(DIST_TYPES);
  if (!index) throw new Error(`${DIST_TYPES} is not part of the program`);
  const module = checker.getSymbolAtLocation(index);
  const symbol = module && checker.getExportsOfModule(module).find((candidate) => candidate.name === exported);
  if (!symbol) throw new Error(`the package exports no ${exported}`);
  const type = checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  return checker.getPropertiesOfType(type).map((property) => property.name);
}

/** The names in the first column of the README table whose header's first cell is `header`. */
function tableColumn(header: string): string[] {
  const lines = README.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${header} |`));
  if (start === -1) throw new Error(`README.md has no table headed "${header}"`);
  const names: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const name = /^\| `([^`]+)` \|/.exec(line)?.[1];
    if (name !== undefined) names.push(name);
  }
  return names;
}

let compiled: ReturnType<typeof compileSamples> | undefined;
function samples(): ReturnType<typeof compileSamples> {
  if (!fs.existsSync(DIST_TYPES)) throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
  compiled ??= compileSamples(codeBlocks.filter((block) => !block.fragment));
  return compiled;
}

afterAll(removeTempDirs);

describe('the README', () => {
  it('stays short: at most 300 lines', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(301);
  });

  it('has TypeScript samples, each a whole program or marked as a fragment', () => {
    expect(codeBlocks.length).toBeGreaterThanOrEqual(4);
    expect(codeBlocks.filter((block) => block.fragment).map((block) => block.line)).toEqual([]);
  });

  it('links and shows only absolute URLs or its own anchors, so it renders on the npm registry too', () => {
    const prose = README.replace(/^```[\s\S]*?^```/gm, '');
    const targets = [...prose.matchAll(/\]\(([^)\s]+)\)|src="([^"]+)"|^\[[^\]]+\]: (\S+)$/gm)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !/^(https:\/\/|#)/.test(target))).toEqual([]);
  });
});

describe("the README's code samples", () => {
  it.each(codeBlocks.filter((block) => !block.fragment).map((block) => [`${block.heading} (README.md:${block.line})`, block] as const))(
    'compile under strict TypeScript against the package: %s',
    (_name, block) => {
      expect(samples().diagnostics.get(block)).toEqual([]);
    },
  );

  it('parse, when marked as fragments', () => {
    const problems = codeBlocks
      .filter((block) => block.fragment)
      .flatMap((block) => {
        const output = ts.transpileModule(block.code, { reportDiagnostics: true, fileName: sampleFile(block) });
        return (output.diagnostics ?? []).map((diagnostic) => located(block, diagnostic));
      });
    expect(problems).toEqual([]);
  });

  it('"Testing your app" runs green under node --test and leaves no chatterbox.sqlite behind', async () => {
    if (!fs.existsSync(DIST_ENTRY)) throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
    const block = codeBlocks.find((candidate) => candidate.heading === 'Testing your app');
    if (!block) throw new Error('the README has no TypeScript block under "### Testing your app"');
    expect(block.code).toContain("from 'express-chatterbox'");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- esbuild's sync API, CommonJS
    const esbuild = require('esbuild') as typeof import('esbuild');
    const { code } = esbuild.transformSync(block.code.split("'express-chatterbox'").join(JSON.stringify(DIST_ENTRY)), {
      loader: 'ts',
      format: 'cjs',
    });
    const dir = tempDir('readme-testing');
    fs.writeFileSync(path.join(dir, 'chat.test.cjs'), code);
    const child = spawn(process.execPath, ['--test', 'chat.test.cjs'], {
      cwd: dir,
      // The sample's own imports (express) come from this repository's node_modules, as from a host's.
      env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    expect({ exitCode, output }).toEqual({ exitCode: 0, output: expect.stringMatching(/# pass 1\n[\s\S]*# fail 0\n/) });
    expect(fs.readdirSync(dir)).toEqual(['chat.test.cjs']);
  });
});

describe("the README's reference tables", () => {
  it('list every option of ChatOptions', () => {
    const keys = interfaceKeys(samples().program, 'ChatOptions');
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((key) => !tableColumn('option').includes(key))).toEqual([]);
  });

  it('list every field of ClusterOptions', () => {
    const keys = interfaceKeys(samples().program, 'ClusterOptions');
    expect(keys.filter((key) => !tableColumn('`cluster` field').includes(key))).toEqual([]);
  });

  it('list every error code, and nothing else', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built package, as users load it
    const { ERROR_CODES } = require(DIST_ENTRY) as typeof import('express-chatterbox');
    expect(tableColumn('code')).toEqual([...ERROR_CODES]);
  });
});
