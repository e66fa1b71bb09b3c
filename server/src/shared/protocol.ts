// The custom LSP messages between the extension and the language server, and the shapes they carry. Declared in
// server/src/protocol.ts, where the server's own modules import them; the client and the webview import them here.
export * from '../protocol';
