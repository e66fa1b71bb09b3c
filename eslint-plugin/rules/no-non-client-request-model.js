'use strict';
const { appOf, isServerFile } = require('../app');

const CALLS = new Set(['fetch', 'axios', 'XMLHttpRequest']);
const OBJECTS = new Set([...CALLS, 'jQuery', '$']);
const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete', 'ajax']);

const nameOf = (n) => (n && n.type === 'Identifier' ? n.name : undefined);

/** fdk's `no-non-client-request-model`: front-end code calls APIs through `client.request`, not fetch/axios/jQuery. */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'Require client.request for API calls from the front end (no fetch, XMLHttpRequest, axios or jQuery.ajax)' },
    schema: [],
    messages: { useClientRequest: 'Use client.request when making API requests' },
  },
  create(context) {
    if (isServerFile(appOf(context).file)) return {};
    const report = (node) => context.report({ node, messageId: 'useClientRequest' });
    const called = (node) => { if (CALLS.has(nameOf(node.callee))) report(node); };
    return {
      CallExpression: called,
      NewExpression: called,
      MemberExpression(node) {
        if (OBJECTS.has(nameOf(node.object)) && !node.computed && METHODS.has(nameOf(node.property))) report(node);
      },
    };
  },
};
