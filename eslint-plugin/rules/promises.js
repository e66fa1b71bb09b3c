'use strict';
// The shapes fdk's promise rules look at: an expression statement that calls `<x>.then|catch|done|fail(...)`,
// or `client.request.<m>(...)` (the front end's platform call, a promise).
const HANDLERS = new Set(['then', 'catch', 'done', 'fail']);
const REJECTION_HANDLERS = new Set(['catch', 'fail']);

/** The call of an expression statement when it is `<object>.<name>(...)` (optional chaining included). */
function memberCall(expression) {
  const e = expression && expression.type === 'ChainExpression' ? expression.expression : expression;
  if (!e || e.type !== 'CallExpression' || e.callee.type !== 'MemberExpression') return undefined;
  return e;
}

/** The property's name as fdk reads it: an identifier only (`p['catch']()` has none). */
function methodName(call) {
  const p = call.callee.property;
  return !call.callee.computed && p.type === 'Identifier' ? p.name : undefined;
}

function isClientRequest(call) {
  const o = call.callee.object;
  return o.type === 'MemberExpression' && o.object.type === 'Identifier' && o.object.name === 'client'
    && !o.computed && o.property.type === 'Identifier' && o.property.name === 'request';
}

/** The function that handles rejections: the second argument of a two-argument `then`, the one of `catch`/`fail`. */
function rejectionHandler(call) {
  const name = methodName(call);
  if (name === 'then' && call.arguments.length === 2) return call.arguments[1];
  if (REJECTION_HANDLERS.has(name) && call.arguments.length === 1) return call.arguments[0];
  return undefined;
}

const isPromiseHandlerCall = (call) => HANDLERS.has(methodName(call));

module.exports = { memberCall, methodName, isClientRequest, rejectionHandler, isPromiseHandlerCall };
