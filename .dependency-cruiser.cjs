// The layer rules of docs/architecture.md, checked by `npm run lint`: imports only point down,
// features never import each other, and no file imports itself back through a cycle.
//   protocol → options → chat (the kernel) → features → namespace → router and composition root
const FEATURES = 'history|rooms|access|limits|moderation|cluster';

/** A rule forbidding `from` to import `to`, with the reason shown on a violation. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid('no-cycles', 'A cycle hides which of two files is the lower layer.', {}, { circular: true }),
    forbid(
      'protocol-is-the-bottom',
      'lib/protocol is shared with the page: it imports nothing else of the package.',
      { path: '^lib/protocol/' },
      { path: '^lib/', pathNot: '^lib/protocol/' },
    ),
    forbid(
      'options-below-the-kernel',
      'lib/options only knows the protocol.',
      { path: '^lib/options/' },
      { path: '^lib/', pathNot: '^lib/(protocol|options)/' },
    ),
    forbid(
      'kernel-below-the-features',
      'lib/chat (the kernel) declares the seams features implement; it never imports a feature, a handler or the root.',
      { path: '^lib/chat/' },
      { path: '^lib/', pathNot: '^lib/(protocol|options|chat)/' },
    ),
    forbid(
      'features-stand-alone',
      'A feature uses the kernel below it, never another feature, a handler or the root.',
      { path: `^lib/(${FEATURES})/` },
      { path: '^lib/', pathNot: ['^lib/(protocol|options|chat)/', '^lib/$1/'] },
    ),
    forbid(
      'handlers-below-the-root',
      'lib/namespace composes features; only the root (lib/*.ts) may import it.',
      { path: '^lib/namespace/' },
      { path: '^lib/[^/]+$' },
    ),
    forbid(
      'page-shares-only-the-protocol',
      'The page bundles lib/protocol and nothing else of the server.',
      { path: '^client/' },
      { path: '^lib/', pathNot: '^lib/protocol/' },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^lib/.*\\.d\\.ts$'] },
  },
};
