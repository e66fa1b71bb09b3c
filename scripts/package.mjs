// `npm run package`: production bundles, then the .vsix. The .vsix ships no docs/, so its README is this
// repository's README without the screenshot block (between the `screenshots` markers) and with links into
// the repository reduced to their text; vsce would otherwise refuse relative links it cannot rewrite.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, ['esbuild.mjs', '--production']);
const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  .replace(/<!-- screenshots[\s\S]*?<!-- \/screenshots -->\n?/, '')
  // Links into the repository have nothing to point at inside the .vsix: keep their text.
  .replace(/(?<!!)\[([^\]]+)\]\((?!https?:|#)[^)]+\)/g, '$1');
if (/!\[[^\]]*\]\((?!https?:)/.test(readme)) throw new Error('README.md has a relative image outside the screenshots block');
mkdirSync(path.join(root, '.cache'), { recursive: true });
const vsixReadme = path.join('.cache', 'README.vsix.md');
writeFileSync(path.join(root, vsixReadme), readme);
run(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--readme-path', vsixReadme,
  '-o', 'freshsales-devtools.vsix']);
