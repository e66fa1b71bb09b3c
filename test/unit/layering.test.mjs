// The layering rules of eslint.config.mjs (no-restricted-imports): the core imports no I/O, no transport and
// nothing outside core/ and schemas/; the client and the webview import the server's sources only through
// server/src/shared/. Linted as text at the real paths, with the repository's own config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { repoRoot } from '../simulate/helpers.mjs';

// The type-aware rules are not what is tested here (and a program per case would be slow): off, and no project.
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: { languageOptions: { parserOptions: { project: null } }, rules: { '@typescript-eslint/no-floating-promises': 'off' } },
});

async function restricted(file, code) {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${file}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('core: Node built-ins, the editor, the transport and the server outside core/ are refused; core/, schemas/ and parsers are not', async () => {
  const file = 'server/src/core/layeringProbe.ts';
  for (const line of [
    "import { readFileSync } from 'node:fs';",
    "import * as fs from 'fs';",
    "import * as path from 'path';",
    "import type { Connection } from 'vscode-languageserver/node';",
    "import { RequestType } from 'vscode-languageserver-protocol';",
    "import * as vscode from 'vscode';",
    "import type { AppSummary } from '../protocol';",
    "import { list } from '../simulate/history';",
    "import { x } from '../shared/core';",
    "import data from '../../../package.json';",
    "import s from '../../../schemas/../package.json';",
  ]) {
    assert.equal((await restricted(file, `${line}\nexport const probe = 1;\n`)).length, 1, line);
  }
  for (const line of [
    "import { catalogue } from './catalogue';",
    "import raw from '../../../schemas/events.json';",
    "import { parseTree } from 'jsonc-parser';",
    "import { Parser } from 'acorn';",
  ]) {
    assert.deepEqual(await restricted(file, `${line}\nexport const probe = 1;\n`), [], line);
  }
});

test('client and webview: server sources only through server/src/shared/', async () => {
  for (const file of ['client/src/layeringProbe.ts', 'media/src/layeringProbe.ts']) {
    for (const line of [
      "import type { AppSummary } from '../../server/src/protocol';",
      "import { diffResults } from '../../server/src/simulate/history';",
      "import { iparamDefs } from '../../server/src/core/iparamsForm';",
      "import { loadWithCodeCache } from '../../server/src/codeCache';",
      "import { x } from '../../server/src/shared/../core/types';",
    ]) {
      const found = await restricted(file, `${line}\nexport const probe = 1;\n`);
      assert.equal(found.length, 1, `${file}: ${line}`);
      assert.match(found[0], /only through server\/src\/shared\//);
    }
    for (const line of [
      "import type { AppSummary } from '../../server/src/shared/protocol';",
      "import { iparamDefs } from '../../server/src/shared/core';",
      "import type { ToPanel } from '../../client/src/panelMessages';",
    ]) {
      assert.deepEqual(await restricted(file, `${line}\nexport const probe = 1;\n`), [], `${file}: ${line}`);
    }
  }
});
