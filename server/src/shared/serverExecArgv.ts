// The Node flags the language server runs with: VS Code's client passes them (client/src/languageClient.ts), and
// the benches start the server, and the lint thread, with the same (bench/lint.mjs, bench/lib/lspRun.mjs).
//
// - `--max-semi-space-size=2`: a small young generation for the server's own thread. Checking a 250 KB payload
//   makes short-lived garbage, and V8's default semi-space lets the server's peak memory grow ~20 MB for nothing
//   (bench/payloads.mjs). The flag holds for every thread of the process, over a worker's own `resourceLimits`:
//   the lint thread, which wants a large one, lifts it while its heap is made (earlyLintWorker.ts).
// - `--expose-gc`: the lint thread collects its garbage while the user pauses between keystrokes instead of inside
//   the next lint (server/src/lint/lintWorker.ts).
export const SERVER_EXEC_ARGV = ['--max-semi-space-size=2', '--expose-gc'];

/**
 * V8 flags the server sets on itself as it starts (server/src/main.ts), for all its threads: there a flag a
 * future V8 drops is ignored, where on the command line it would stop Node from starting.
 *
 * `--no-allocation-site-pretenuring`: V8 otherwise learns, from the ASTs that survive a collection during a lint,
 * to allocate the parser's nodes and tokens straight into the old generation; from there they keep the rest of
 * each lint's garbage alive through the next young collections, and the lint thread's optimized code was thrown
 * away ~50 times during its warm-up as those decisions flipped (--trace-deopt, "code dependencies"; 2 without).
 * Measured in ten interleaved pairs of 30 lints of a 1,000-line server.js: lower in 8, the median 1.6 ms lower.
 */
export const SERVER_V8_FLAGS = ['--no-allocation-site-pretenuring'];
