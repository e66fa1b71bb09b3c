// The lenses above the handlers of server/server.js (Simulate, Debug, Fuzz, Create test) and on a test payload
// (Simulate / Debug with this payload). Showing them warms a runner child for the app.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { SERVER_SCRIPT } from '../core/appModel';
import { callbackLenses, payloadLensTarget } from '../core/appOutline';
import { TEST_DATA_DIR } from '../core/testDataLayout';
import { START } from '../core/textPositions';
import { CreateTestCommand, DebugCommand, FuzzCommand, SimulateCommand, type SimulateTarget } from '../protocol';
import type { SimulationHost } from '../simulationHost';
import type { FeatureContext } from './context';

export function registerCodeLens({ connection, guard, locateLive }: FeatureContext, simulation: SimulationHost): void {
  connection.onCodeLens(guard('code lens', ({ textDocument }) => {
    const at = locateLive(textDocument.uri);
    if (!at) return [];
    const app = at.state.app();
    const target = (event: string, scope: SimulateTarget['scope'], payloadFile?: string): SimulateTarget =>
      ({ appDir: at.state.appDir, event, scope, ...(payloadFile ? { payloadFile } : {}) });
    if (at.rel === SERVER_SCRIPT) {
      simulation.prewarm(at.state.appDir); // the user sees Simulate: have a child ready for this app before the click
      // "Create test" once per event, while test/<event>.test.js does not exist.
      const offered = new Set<string>();
      const createTest = (l: ReturnType<typeof callbackLenses>[number]) => {
        if (offered.has(l.event) || existsSync(path.join(at.state.appDir, 'test', `${l.event}.test.js`))) return [];
        offered.add(l.event);
        return [{ range: l.range, command: { title: 'Create test', command: CreateTestCommand, arguments: [target(l.event, l.scope)] } }];
      };
      return callbackLenses(app).flatMap((l) => [
        { range: l.range, command: { title: `▶ Simulate ${l.label}`, command: SimulateCommand, arguments: [target(l.event, l.scope)] } },
        { range: l.range, command: { title: 'Debug', command: DebugCommand, arguments: [target(l.event, l.scope)] } },
        { range: l.range, command: { title: 'Fuzz', command: FuzzCommand, arguments: [target(l.event, l.scope)] } },
        ...createTest(l),
      ]);
    }
    if (at.rel.startsWith(TEST_DATA_DIR + '/')) {
      const t = payloadLensTarget(app, at.rel);
      return t ? [
        { range: START, command: { title: `▶ Simulate ${t.event} with this payload`, command: SimulateCommand, arguments: [target(t.event, t.scope, at.abs)] } },
        { range: START, command: { title: 'Debug', command: DebugCommand, arguments: [target(t.event, t.scope, at.abs)] } },
      ] : [];
    }
    return [];
  }));
}
