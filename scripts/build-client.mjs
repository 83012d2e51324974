// Builds the browser page into dist-client/: main.ts bundled with socket.io-client, plus the
// page and its stylesheet copied as they are. Run with `node scripts/build-client.mjs`.
import { build } from 'esbuild';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const client = `${root}client/`;
const out = `${root}dist-client/`;

// The whole page should stay a quick download on a phone; socket.io-client is most of it.
const BUDGET_BYTES = 80 * 1024;

// The page and the widget are bundled alike: one self-contained script each, for any browser since 2020.
const BROWSER_BUNDLE = {
  tsconfig: `${client}tsconfig.json`,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
};

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await build({
  entryPoints: [`${client}main.ts`],
  outfile: `${out}main.js`,
  ...BROWSER_BUNDLE,
});

// The embeddable widget: its own small bundle and stylesheet (loaded into its shadow root).
await build({
  entryPoints: [`${client}widget/main.ts`],
  outfile: `${out}widget.js`,
  ...BROWSER_BUNDLE,
});

await Promise.all(
  ['index.html', 'style.css'].map((file) => copyFile(`${client}${file}`, `${out}${file}`)),
);
await copyFile(`${client}widget/widget.css`, `${out}widget.css`);

const { size } = await stat(`${out}main.js`);
if (size > BUDGET_BYTES) {
  process.stderr.write(
    `build-client: dist-client/main.js is ${size} bytes, over the ${BUDGET_BYTES}-byte budget\n`,
  );
  process.exitCode = 1;
} else {
  process.stdout.write(`build-client: dist-client/main.js ${(size / 1024).toFixed(1)} KiB\n`);
}
