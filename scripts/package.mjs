// `npm run package`: production bundles, then freshsales-devtools.vsix. vsce rewrites the README's relative
// links and images (docs/screenshots) to absolute URLs of the `repository` in package.json, so the Marketplace
// page shows the screenshots without shipping them. Any vsce warning fails the build: a warning today is a
// rejected upload or a broken Marketplace page tomorrow.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VSIX = 'freshsales-devtools.vsix';

function run(cmd, args) {
  // stdin closed: a vsce question ("Do you want to continue? [y/N]") gets no answer and fails the build.
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.error) throw r.error;
  return { code: r.status ?? 1, output: `${r.stdout}\n${r.stderr}` };
}

if (run(process.execPath, ['esbuild.mjs', '--production']).code !== 0) process.exit(1);
const vsce = run(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', VSIX]);
if (vsce.code !== 0) process.exit(vsce.code);
// vsce prints warnings as " WARNING  …" (chalk's label) and still succeeds.
const warnings = vsce.output.split('\n').filter((l) => /\bWARNING\b|\bwarn(ing)?:/i.test(l));
if (warnings.length) {
  console.error(`\nnpm run package: vsce warned; fix these (the .vsix is not accepted with warnings):\n${warnings.join('\n')}`);
  process.exit(1);
}
console.log(`${VSIX}: ${Math.round(statSync(path.join(root, VSIX)).size / 1024)} KB`);
