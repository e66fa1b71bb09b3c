// One activation of the built extension (client/dist/extension.js) in a plain Node process, against a stand-in
// `vscode` module: real file-system calls for app detection, inert objects for the UI. Prints the milliseconds
// from `require` of the bundle to `activate()` resolved — the cost VS Code's "Running Extensions" view reports
// as load + activation, without the editor's own overhead. Used by bench/extension.mjs.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const appDir = process.argv[2];
const inert = new Proxy(function () {}, {
  get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
  construct: () => inert,
  set: () => true,
  defineProperty: () => true,
});
class Uri {
  constructor(fsPath) { this.fsPath = fsPath; this.scheme = 'file'; this.path = fsPath; }
  static file(p) { return new Uri(p); }
  static joinPath(u, ...parts) { return new Uri(path.join(u.fsPath, ...parts)); }
  toString() { return `file://${this.fsPath}`; }
  with() { return this; }
}
class EventEmitter {
  constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return { dispose() {} }; }; }
  fire(e) { for (const l of this.listeners) l(e); }
  dispose() {}
}
const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 };
// esbuild's interop copies the module's own keys, so every namespace the extension touches must be one.
const namespaces = Object.fromEntries(['commands', 'window', 'languages', 'debug', 'env', 'extensions', 'tasks', 'l10n',
  'StatusBarAlignment', 'TreeItem', 'TreeItemCollapsibleState', 'ThemeIcon', 'ThemeColor', 'Range', 'Position', 'Selection',
  'Disposable', 'WorkspaceEdit', 'ViewColumn', 'ConfigurationTarget', 'MarkdownString', 'CodeLens', 'Location',
  'DiagnosticSeverity', 'ProgressLocation', 'RelativePattern', 'LogLevel', 'CancellationTokenSource',
  'tests', 'TestRunProfileKind', 'TestMessage', 'TestRunRequest', 'FileCoverage', 'StatementCoverage', 'BranchCoverage',
  'DeclarationCoverage', 'Task', 'TaskGroup', 'ProcessExecution', 'CodeAction', 'QuickPickItemKind', 'TextEditorRevealType',
].map((k) => [k, inert]));
const vscode = new Proxy({
  ...namespaces, Uri, EventEmitter, FileType, version: '1.139.0',
  workspace: new Proxy({
    workspaceFolders: [{ uri: Uri.file(appDir), name: path.basename(appDir), index: 0 }],
    isTrusted: true,
    fs: {
      readFile: async (u) => fs.promises.readFile(u.fsPath),
      readDirectory: async (u) => (await fs.promises.readdir(u.fsPath, { withFileTypes: true }))
        .map((d) => [d.name, d.isDirectory() ? FileType.Directory : FileType.File]),
    },
  }, { get: (t, k) => (k in t ? t[k] : inert) }),
}, { get: (t, k) => (k in t ? t[k] : k === 'then' ? undefined : inert) });

const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };

const context = new Proxy({
  subscriptions: [], extensionUri: Uri.file(path.resolve(__dirname, '../..')), extensionPath: path.resolve(__dirname, '../..'),
  asAbsolutePath: (p) => path.resolve(__dirname, '../..', p),
}, { get: (t, k) => (k in t ? t[k] : inert) });

const t0 = performance.now();
const extension = require(path.resolve(__dirname, '../../client/dist/extension.js'));
Promise.resolve(extension.activate(context)).then(() => {
  process.stdout.write(`${(performance.now() - t0).toFixed(2)}\n`);
  process.exit(0);
}, (e) => { process.stderr.write(`activate failed: ${e && e.stack}\n`); process.exit(1); });
