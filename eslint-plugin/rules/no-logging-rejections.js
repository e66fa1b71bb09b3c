'use strict';
const { memberCall, rejectionHandler, isPromiseHandlerCall } = require('./promises');

const isFunction = (n) => n && (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression');
const isMemberCall = (n) => !!n && n.type === 'CallExpression' && n.callee.type === 'MemberExpression';

/**
 * A rejection handler that only logs: `function (e) { console.x(...); }`, or an arrow whose body is a method call
 * (`e => console.error(e)`; fdk flags any `a.b(...)` body there, and so do we, to report what fdk reports).
 */
function onlyLogs(fn) {
  if (!isFunction(fn)) return false;
  const body = fn.body;
  if (body.type === 'BlockStatement') {
    const only = body.body.length === 1 && body.body[0].type === 'ExpressionStatement' ? body.body[0].expression : undefined;
    return isMemberCall(only) && only.callee.object.type === 'Identifier' && only.callee.object.name === 'console';
  }
  return isMemberCall(body);
}

/** fdk's `no-logging-rejections`: a rejection handler should do something about the error, not only log it. */
module.exports = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Disallow promise rejection handlers that only log the error' },
    schema: [],
    messages: { onlyLogs: 'refrain from simply logging errors.' },
  },
  create(context) {
    return {
      ExpressionStatement(node) {
        const call = memberCall(node.expression);
        if (!call || !isPromiseHandlerCall(call)) return;
        const handler = rejectionHandler(call);
        if (onlyLogs(handler)) context.report({ node: handler, messageId: 'onlyLogs' });
      },
    };
  },
};
