// `fsdev`: the headless CLI. Each subcommand loads only what it needs, so `simulate` starts fast.
const USAGE = `fsdev — Freshsales DevTools on the command line

  fsdev check [appDir] [--format text|json|sarif|github] [--json]
      Checks manifest.json, server/server.js and every server/test_data payload.
      sarif: SARIF 2.1.0 for code scanning; github: GitHub Actions annotations. --json = --format json.
      Exit 0: no errors; 1: errors found; 2: not a Freshworks app.
  fsdev simulate <event> [appDir] [--payload file] [--product p | --module m] [--timeout ms] [--json]
      Runs the event's handler locally, isolated, as the platform would. Exit 0 on success, 1 otherwise.
  fsdev fuzz <event> [appDir] [--runs n] [--seed n] [--timeout ms] [--json]
      Runs the handler on generated payloads the platform may send; the first failure is shrunk to its smallest
      payload and saved under server/test_data/fuzz/. Exit 0: nothing failed; 1: a failure; 2: usage error.
  fsdev test [appDir] [--coverage] [--min pct] [--reporter spec|tap|junit] [--grep re] [--payloads | --no-payloads]
      Runs the app's mocha tests under test/ (as fdk test) and one test per test payload of a registered event.
      Exit 0: all passed; 1: a test failed; 2: usage error or not an app; 3: coverage under --min.
  fsdev coverage --reset [appDir]
      Clears the collected coverage (coverage/ and .fsdev/coverage.json).
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check': return (await import('./checkCommand')).checkCommand(rest);
    case 'simulate': return (await import('./simulate/simulateCommand')).simulateCommand(rest);
    case 'fuzz': return (await import('./fuzz/fuzzCommand')).fuzzCommand(rest);
    case 'test': return (await import('./testing/testCommand')).testCommand(rest);
    case 'coverage': return (await import('./testing/coverageReport')).coverageCommand(rest);
    case undefined: case '-h': case '--help': case 'help':
      process.stdout.write(USAGE);
      return command ? 0 : 2;
    default:
      process.stderr.write(`fsdev: unknown command '${command}'.\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
  process.stderr.write(`fsdev: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 2;
});
