// App text (manifest keys, file names, handler logs, error messages, test names) on its way to a terminal or
// to markdown. Pure. In a terminal, a control character of the app's would run: OSC 52 writes the clipboard,
// CSI 2J clears the screen, a CR or LF starts a line of the app's choosing — one the `$fsdev` problem matcher
// or GitHub's workflow commands (`::error …`) would read as ours. In markdown, a name would render links,
// images and HTML.

/** C0, DEL, C1, and U+FFFE / U+FFFF (not allowed in XML, so JUnit output stays well-formed). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/g;

const visible = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
};

/** Every control character of `text` written out visibly (ESC as `\x1b`), except those in `keep`. */
export function escapeControl(text: string, keep = ''): string {
  return text.replace(CONTROL, (c) => (keep.includes(c) ? c : visible(c)));
}

/** The `$fsdev` problem matcher's pattern (package.json `contributes.problemMatchers`). */
export const FSDEV_MATCHER = /^(.+?):(\d+):(\d+) (error|warning|info)(?:rmation)? ([a-z0-9-]+) (.*)$/;
/** What GitHub's runner reads as a workflow command: `::cmd …` or the older `##[cmd …]`, after leading blanks. */
const WORKFLOW_COMMAND = /^(\s*)(::|##\[|##vso\[)/;

/**
 * One line of output that is not one of fsdev's own problem lines: made so that neither the `$fsdev` matcher
 * nor GitHub reads it (the colon before a line number, or the command's first character, written as `\x3a` /
 * `\x23`). Lines that match neither are returned as they are.
 */
export function neutralizeLine(line: string): string {
  let out = line.replace(WORKFLOW_COMMAND, (_m, blank: string, cmd: string) => blank + visible(cmd[0]) + cmd.slice(1));
  for (let m = FSDEV_MATCHER.exec(out); m; m = FSDEV_MATCHER.exec(out)) {
    out = `${out.slice(0, m[1].length)}\\x3a${out.slice(m[1].length + 1)}`;
  }
  return out;
}

/**
 * Text whose lines may all hold app text (a run's report, a test reporter's output): control characters
 * escaped but for newlines and tabs, and no line that a problem matcher or GitHub would read.
 */
export function safeTerminalText(text: string): string {
  return escapeControl(text, '\n\t').split('\n').map(neutralizeLine).join('\n');
}

/**
 * A stream of such text, written through `write` a whole line at a time (a matcher reads whole lines). After
 * `end()`, what remains is written at once, and later text is written without waiting for its line's end.
 */
export class SafeLineWriter {
  private held = '';
  private ended = false;
  constructor(private readonly write: (text: string) => boolean | void) {}
  /** What the write returned (false: the reader wants a pause), or true when a part line is only held. */
  push(text: string): boolean | void {
    const all = this.held + text;
    const cut = this.ended ? all.length : all.lastIndexOf('\n') + 1;
    this.held = all.slice(cut);
    return cut > 0 ? this.write(safeTerminalText(all.slice(0, cut))) : true;
  }
  end(): void { this.ended = true; this.push(''); }
}

/**
 * Markdown that shows `text` literally, within a line our own text begins: every ASCII punctuation character
 * backslash-escaped (`.` and `:` too, which stops autolinks) but `-`, which means nothing there; controls visible.
 */
export function escapeMarkdown(text: string): string {
  // `\x1b` stays as it is: a backslash before a letter is no escape in markdown.
  return escapeControl(text.replace(/[!-,./:-@[-`{-~]/g, '\\$&'));
}
