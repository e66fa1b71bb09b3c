// The Testing view's requests: discover tests (parse a file's text, list the app's files and payload
// tests), run them in the test child (server/src/testing/), stream what happens, and write a first test.
// User code never runs here: the tests run in a child process of their own, as `fsdev test` runs them.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readTextIfFile } from './appFiles';
import type { App } from './core/appModel';
import type { FeatureContext } from './features/context';
import { functionNamesInEditor } from './core/coverageMap';
import { findEvent } from './core/catalogue';
import { firstTestText } from './core/firstTest';
import { discoverTests } from './core/testDiscovery';
import { testDataFor } from './core/testDataLayout';
import {
  AppTestsRequest, CancelTestsNotification, CreateTestRequest, DiscoverTestsRequest, ResetCoverageRequest, RunTestsRequest,
  TestDebugReadyNotification, TestEventNotification, type RunTestsResult,
} from './protocol';
import { findPayloadTests, findTestFiles, planTests, runTests } from './testing/testRun';
import type { FileCoverageData } from './testing/types';

export const UNTRUSTED_TESTS = "Running tests runs your app's code, so it needs a trusted workspace.";

interface KnownApp { app(): App; text(rel: string): string | undefined; edited(rel: string): string | undefined }

export function registerTesting({ connection, guard }: FeatureContext, knownApp: (appDir: string) => KnownApp | undefined): { dispose(): void } {
  const runs = new Map<string, () => void>();
  const known = (appDir: string): KnownApp => {
    const state = knownApp(appDir);
    if (!state) throw new Error(`${appDir} is not a Freshworks app of this workspace.`);
    return state;
  };

  connection.onRequest(DiscoverTestsRequest, guard('discover tests', ({ text }) => discoverTests(text)));

  connection.onRequest(AppTestsRequest, guard('app tests', async ({ appDir }) => {
    return { files: findTestFiles(appDir), payloadTests: await findPayloadTests(appDir, known(appDir)) };
  }));

  connection.onRequest(RunTestsRequest, guard('run tests', async (params): Promise<RunTestsResult> => {
    const state = known(params.appDir);
    // The tests run the app's code unconfined: only for a workspace the client says is trusted.
    if (params.trusted !== true) return { passed: 0, failed: 0, skipped: 0, error: UNTRUSTED_TESTS };
    const planned = await planTests(params.appDir, {
      reporter: 'none', coverage: params.coverage, grep: params.grep,
      payloads: params.payloadEvents?.length === 0 ? 'none' : existsSync(path.join(params.appDir, 'test')) ? 'both' : 'only',
    }, state); // the model and payloads as the editor has them, as its diagnostics read them
    if ('error' in planned) return { passed: 0, failed: 0, skipped: 0, error: planned.error };
    const plan = planned.plan;
    if (params.files) plan.files = plan.files.filter((f) => params.files!.includes(f));
    if (params.payloadEvents) plan.payloadTests = plan.payloadTests.filter((t) => params.payloadEvents!.includes(t.event));
    const { runId } = params;
    const send = (body: { message?: import('./protocol').TestChildMessage; output?: string }) => {
      void connection.sendNotification(TestEventNotification, { runId, ...body });
    };
    // As fdk test: the manifest's dependencies and devDependencies first; a failure goes to the run's output.
    const { installTestDependencies } = await import('./testing/testDeps');
    for (const failure of await installTestDependencies(plan.appDir)) send({ output: `${failure}\n` });
    const run = runTests(plan, {
      nodePath: params.nodePath,
      output: { stdout: (output) => send({ output }), stderr: (output) => send({ output }) },
      onMessage: (message) => { if (message.type === 'begin' || message.type === 'log' || message.type === 'end' || message.type === 'finished') send({ message }); },
      ...(params.debug ? { inspectPort: 0, onDebugReady: (port: number) => { void connection.sendNotification(TestDebugReadyNotification, { runId, port }); } } : {}),
    });
    runs.set(runId, run.cancel);
    try {
      const result = await run.result;
      const out: RunTestsResult = { passed: result.passed, failed: result.failed, skipped: result.skipped, ...(result.error ? { error: result.error } : {}) };
      if (result.coverage) {
        const report = await import('./testing/coverageReport');
        // The run's own coverage for the editor; coverage/ accumulates it with earlier runs, as fdk does.
        const data = report.convert(result.coverage, params.appDir);
        const notes: string[] = [];
        await report.writeCoverage(params.appDir, result.coverage).catch((e: unknown) => {
          notes.push(`No coverage report in coverage/: ${e instanceof report.CoverageDataError ? e.message : String(e)}`);
        });
        // The editor names functions as its outline does (the Istanbul files keep Istanbul's `(anonymous_0)`).
        out.coverage = (Object.values(data) as unknown as FileCoverageData[]).map((fc) => {
          const text = readTextIfFile(fc.path);
          try {
            return text === undefined ? fc : { ...fc, fnNames: functionNamesInEditor(text, fc.fnMap) };
          } catch {
            return fc; // changed since the run beyond naming: Istanbul's names
          }
        });
        const map = (await import('istanbul-lib-coverage')).createCoverageMap(data);
        out.coverageSummary = report.summarize(map, params.appDir, notes);
      }
      return out;
    } finally {
      runs.delete(runId);
    }
  }));

  connection.onNotification(CancelTestsNotification, guard.notification('cancel tests', ({ runId }) => runs.get(runId)?.()));

  connection.onRequest(CreateTestRequest, guard('create test', ({ appDir, event, scope }) => {
    const state = known(appDir);
    const app = state.app();
    const file = path.join(appDir, 'test', `${event}.test.js`);
    if (existsSync(file)) return { file, text: '', exists: true };
    const reg = app.registrations.find((r) => r.event === event && (!scope || (r.scope?.name === scope.name)));
    const cb = reg?.handler ? app.script?.callbacks.find((c) => c.name === reg.handler) : undefined;
    const script = state.text('server/server.js');
    const payload = testDataFor(app, event, reg?.scope ?? scope);
    const otherTests = findTestFiles(appDir).map((f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } });
    const kind = findEvent(event)?.kind ?? 'product';
    const text = firstTestText({
      event, kind,
      handlerText: cb && script ? script.slice(cb.valueStart, cb.valueEnd) : undefined,
      chai: otherTests.some((t) => /require\(\s*['"]chai['"]\s*\)/.test(t)),
      payloadRequire: payload ? `../${payload.path}` : undefined,
      scope: app.scopes.length > 1 ? (reg?.scope ?? scope)?.name : undefined,
    });
    return { file, text, exists: false };
  }));

  connection.onRequest(ResetCoverageRequest, guard('reset coverage', async ({ appDir }) => {
    known(appDir);
    return (await import('./testing/coverageReport')).resetCoverage(appDir);
  }));

  return { dispose: () => { for (const cancel of runs.values()) cancel(); } };
}
