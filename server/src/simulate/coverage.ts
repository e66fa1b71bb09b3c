// V8 block coverage of the app's own server/ files, taken inside a child (the simulate child when the
// `freshsales.coverage.enabled` setting is on, the test child with --coverage) through an in-process
// inspector session: no port, no flag. Only files under <app>/server that are not in node_modules are kept
// (test files, packages and our own bundles are not the app's code under coverage).
//
// V8 counts blocks, not statements: when a statement throws in the middle of a block, the statements after
// it share the block's counter and look as if they ran, where Istanbul (fdk) counts a statement only when
// control reaches it. So the same session also records where the app's code throws (the debugger pausing on
// every exception, then resuming at once): the app frames on the stack at the throw, innermost first. The
// conversion (core/coverageMap.ts) takes those exits off the counts of what follows them. Not under an outside
// debugger (the Debug profile): pausing on exceptions would be that debugger's setting too.
import * as inspector from 'node:inspector';
import * as path from 'node:path';
import { MAX_PAUSES, MAX_THROW_FRAMES, MAX_THROWS } from './ipc';

/** A position on the stack when the app's code threw: 0-based line and column (V8's), url a file path. */
export interface ThrowFrame { url: string; line: number; column: number }
/** One kind of throw, `count` times: the app frames from the throwing one outwards (frames[0] in this script). */
export interface ScriptThrow {
  frames: ThrowFrame[];
  /** V8 called it a promise rejection: thrown inside an async function or a promise executor, or a reject() call. */
  rejection: boolean;
  count: number;
}

/** Profiler.takePreciseCoverage's ScriptCoverage, trimmed to what the conversion uses; url is a file path. */
export interface ScriptCoverage {
  url: string;
  functions: { functionName: string; isBlockCoverage: boolean; ranges: { startOffset: number; endOffset: number; count: number }[] }[];
  /** Throws whose innermost frame is in this script (absent when none were recorded). */
  throws?: ScriptThrow[];
  /** More than MAX_PAUSES exceptions (the app's or not) were thrown: later throws were not recorded (set on every script). */
  throwsCut?: boolean;
}

interface PausedFrame { location: { scriptId: string; lineNumber: number; columnNumber?: number } }

const toPath = (url: string): string => (url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url);
const isAppScript = (appDir: string) => {
  const server = path.join(appDir, 'server') + path.sep;
  return (file: string) => file.startsWith(server) && !file.includes(`${path.sep}node_modules${path.sep}`) && file.endsWith('.js');
};

export class CoverageRecorder {
  private readonly session = new inspector.Session();
  private readonly appScripts = new Map<string, string>();
  private readonly throws = new Map<string, ScriptThrow>();
  private pauses = 0;
  private cut = false;

  private post<T>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) => this.session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
  }

  async start(appDir?: string): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    if (appDir !== undefined && inspector.url() === undefined) await this.recordThrows(appDir);
  }

  private async recordThrows(appDir: string): Promise<void> {
    const isApp = isAppScript(appDir);
    this.session.on('Debugger.scriptParsed', (m) => {
      const file = toPath(m.params.url);
      if (isApp(file)) this.appScripts.set(m.params.scriptId, file);
    });
    this.session.on('Debugger.paused', (m) => {
      try {
        if (m.params.reason === 'exception' || m.params.reason === 'promiseRejection') this.note(m.params.callFrames as PausedFrame[], m.params.reason === 'promiseRejection');
      } finally {
        // A pause costs about a millisecond (several under load): an app that throws in a loop stops being followed.
        if (++this.pauses === MAX_PAUSES) {
          this.cut = true;
          this.session.post('Debugger.setPauseOnExceptions', { state: 'none' });
        }
        this.session.post('Debugger.resume');
      }
    });
    await this.post('Debugger.enable');
    await this.post('Debugger.setPauseOnExceptions', { state: 'all' });
  }

  /** The app frames from the top of the stack down to the first frame that is not the app's (none when the top is not). */
  private note(callFrames: PausedFrame[], rejection: boolean): void {
    const frames: ThrowFrame[] = [];
    for (const f of callFrames) {
      const url = this.appScripts.get(f.location.scriptId);
      if (url === undefined || frames.length >= MAX_THROW_FRAMES) break;
      frames.push({ url, line: f.location.lineNumber, column: f.location.columnNumber ?? 0 });
    }
    if (!frames.length) return;
    const key = JSON.stringify([rejection, frames]);
    const seen = this.throws.get(key);
    if (seen) seen.count++;
    else if (this.throws.size < MAX_THROWS) this.throws.set(key, { frames, rejection, count: 1 });
  }

  async take(appDir: string): Promise<ScriptCoverage[]> {
    const isApp = isAppScript(appDir);
    const { result } = await this.post<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage');
    const scripts: ScriptCoverage[] = result.map((s) => ({ url: toPath(s.url), functions: s.functions })).filter((s) => isApp(s.url));
    const byUrl = new Map(scripts.map((s) => [s.url, s]));
    for (const t of this.throws.values()) {
      const s = byUrl.get(t.frames[0].url);
      if (s) (s.throws ??= []).push(t);
    }
    if (this.cut) for (const s of scripts) s.throwsCut = true;
    return scripts;
  }
}
