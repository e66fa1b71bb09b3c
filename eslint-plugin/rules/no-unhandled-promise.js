'use strict';
const { memberCall, isClientRequest, rejectionHandler, isPromiseHandlerCall } = require('./promises');

/** fdk's `no-unhandled-promise`: a promise chain used as a statement must end by handling its rejection. */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'Require a statement that starts or continues a promise to handle its rejection' },
    schema: [],
    messages: { unhandled: 'Expected rejection to be handled.' },
  },
  create(context) {
    return {
      ExpressionStatement(node) {
        const call = memberCall(node.expression);
        if (!call || !(isPromiseHandlerCall(call) || isClientRequest(call))) return;
        if (rejectionHandler(call)) return;
        context.report({ node, messageId: 'unhandled' });
      },
    };
  },
};
