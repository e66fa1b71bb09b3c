// V8 block coverage of the app's own server/ files, taken inside a child (the simulate child when the
// `freshsales.coverage.enabled` setting is on, the test child with --coverage) through an in-process
// inspector session: no port, no flag. Only files under <app>/server that are not in node_modules are kept
// (test files, packages and our own bundles are not the app's code under coverage).
import * as inspector from 'node:inspector';
import * as path from 'node:path';

/** Profiler.takePreciseCoverage's ScriptCoverage, trimmed to what the conversion uses; url is a file path. */
export interface ScriptCoverage {
  url: string;
  functions: { functionName: string; isBlockCoverage: boolean; ranges: { startOffset: number; endOffset: number; count: number }[] }[];
}

export class CoverageRecorder {
  private readonly session = new inspector.Session();

  private post<T>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) => this.session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
  }

  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  async take(appDir: string): Promise<ScriptCoverage[]> {
    const server = path.join(appDir, 'server') + path.sep;
    const { result } = await this.post<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage');
    return result
      .map((s) => ({ url: s.url.startsWith('file://') ? decodeURIComponent(s.url.slice(7)) : s.url, functions: s.functions }))
      .filter((s) => s.url.startsWith(server) && !s.url.includes(`${path.sep}node_modules${path.sep}`) && s.url.endsWith('.js'));
  }
}
