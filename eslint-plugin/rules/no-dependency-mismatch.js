'use strict';
const { appOf, isServerFile } = require('../app');

/** The package a `require` names (`lodash/fp` → `lodash`, `@scope/pkg/x` → `@scope/pkg`); undefined for a file. */
function packageOf(name) {
  if (!name || name.startsWith('.') || name.startsWith('/')) return undefined;
  const parts = name.split('/');
  return name.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * fdk's `no-dependency-mismatch` (server files): every package the code requires is listed in the manifest's
 * `dependencies`; with `settings.fdk.reportUnused` (fsdev sets it on server/server.js, with the packages the
 * other server files require in `settings.fdk.requiredElsewhere`), also the dependencies no server file requires.
 */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'Require every package that server code requires to be listed in the manifest\'s dependencies, and every dependency to be used' },
    schema: [{ type: 'array', items: { type: 'string' } }],
    messages: {
      unlisted: "'{{name}}' is not listed in manifest.",
      unused: 'The following dependencies are not used: {{names}}',
    },
  },
  create(context) {
    const app = appOf(context);
    if (!isServerFile(app.file)) return {};
    const loaders = new Set(context.options[0] ?? ['require']);
    const listed = (name) => Object.prototype.hasOwnProperty.call(app.dependencies, name);
    const settings = (context.settings && context.settings.fdk) || {};
    const seen = new Set(Array.isArray(settings.requiredElsewhere) ? settings.requiredElsewhere : []);
    return {
      'CallExpression[callee.type="Identifier"]'(node) {
        if (!loaders.has(node.callee.name)) return;
        const arg = node.arguments[0];
        const name = arg && arg.type === 'Literal' && typeof arg.value === 'string' ? arg.value : undefined;
        const pkg = packageOf(name);
        if (!pkg) return;
        seen.add(name);
        seen.add(pkg);
        if (listed(name) || listed(pkg)) return;
        context.report({ node, messageId: 'unlisted', data: { name } });
      },
      'Program:exit'(node) {
        if (!settings.reportUnused) return;
        const unused = Object.keys(app.dependencies).filter((d) => !seen.has(d));
        if (unused.length) context.report({ node, loc: { line: 1, column: 0 }, messageId: 'unused', data: { names: unused.join(',') } });
      },
    };
  },
};
