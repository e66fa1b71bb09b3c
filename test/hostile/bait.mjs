// The hostile suite's bait: a home folder with secrets a confined run must never read, and files outside
// the app that it must never change. Every case builds its own in a temp folder, so nothing real is at stake.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A bait home folder: `.ssh/id_rsa` and `.bashrc` hold unique markers. `intact()` is true while both files
 * still hold exactly what was written. Pass `home.env` to a child (`HOME`, `USERPROFILE`) so that `~` is here.
 */
export function baitHome() {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-bait-home-'));
  const secret = `BAIT-SECRET-${process.pid}-${Date.now().toString(36)}`;
  const files = { '.ssh/id_rsa': `-----BEGIN OPENSSH PRIVATE KEY-----\n${secret}\n`, '.bashrc': `# ${secret}\n` };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return {
    dir,
    secret,
    env: { HOME: dir, USERPROFILE: dir },
    intact: () => Object.entries(files).every(([rel, text]) => {
      try { return readFileSync(path.join(dir, rel), 'utf8') === text; } catch { return false; }
    }),
  };
}
