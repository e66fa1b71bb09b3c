// The parts of the pure core (server/src/core) that the client and the webview run too: the Test iparams box
// of the panel, text positions, the fuzz regression test's text, and the shapes they share with the server.
export { checkIparams, describeIparam, iparamDefs, iparamsTemplate, missingIparams, type IparamDef } from '../core/iparamsForm';
export { offsetAt } from '../core/textPositions';
export { regressionTestText } from '../core/payloadFuzz';
export type { Scope } from '../core/types';
