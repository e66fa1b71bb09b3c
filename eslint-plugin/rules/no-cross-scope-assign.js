'use strict';
const { appOf, isAppFile } = require('../app');

const FUNCTIONS = ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'];

/**
 * fdk's `no-cross-scope-assign` (front-end files): assigning, inside a function, a variable that function neither
 * declares nor takes as a parameter. In asynchronous code (a callback of an API call), the outer variable is
 * written whenever the callback runs: a race. Like fdk, a name counts as declared from its declaration on (in
 * source order) and only simple-name parameters and declarators count.
 */
module.exports = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Disallow assigning, inside a function, a variable declared outside it' },
    schema: [],
    messages: { crossScope: "'{{name}}' declared and assigned in different scopes. Possible asynchronous race condition." },
  },
  create(context) {
    if (!isAppFile(appOf(context).file)) return {};
    const scopes = [];
    const enter = (node) => {
      const names = new Set();
      for (const p of node.params ?? []) if (p.type === 'Identifier') names.add(p.name);
      scopes.push(names);
    };
    const exit = () => { scopes.pop(); };
    const visitors = {
      Program: enter,
      'Program:exit': exit,
      VariableDeclaration(node) {
        for (const d of node.declarations) if (d.id.type === 'Identifier') scopes[scopes.length - 1].add(d.id.name);
      },
      'AssignmentExpression[left.type="Identifier"]'(node) {
        if (!scopes[scopes.length - 1].has(node.left.name)) context.report({ node, messageId: 'crossScope', data: { name: node.left.name } });
      },
    };
    for (const f of FUNCTIONS) {
      visitors[f] = enter;
      visitors[`${f}:exit`] = exit;
    }
    return visitors;
  },
};
