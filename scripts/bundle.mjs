// Bundles the CLI into dist/bundle/ with esbuild: one module per entry point
// (the CLI and the webhook's judging worker) plus the lazily loaded chunks of
// heavy commands, no node_modules needed at run time. This is what the
// container image ships (Dockerfile).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist/bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { kubeprint: 'src/cli/main.ts', 'judge-worker': 'src/admission/judge-worker.ts' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  minifySyntax: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  // CommonJS dependencies call require(); give the ES module one.
  banner: {
    js: "import { createRequire as __kpCreateRequire } from 'node:module'; const require = __kpCreateRequire(import.meta.url);",
  },
});

// The chunks are ES modules wherever the folder is copied to.
writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');

// Sigstore's embedded trust root, which the code reads from @sigstore/tuf's files.
const require = createRequire(import.meta.url);
copyFileSync(join(dirname(require.resolve('@sigstore/tuf')), '..', 'seeds.json'), join(out, 'sigstore-seeds.json'));

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `dist/bundle: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`,
);
