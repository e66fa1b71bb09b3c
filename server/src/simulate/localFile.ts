// Reading the files runs keep in `<appDir>/.fsdev/` (db.json, history.json, the locks) as untrusted input: the
// app's folder is the app's, so any of them may be a directory, a link, a FIFO or 500 MB. What a file is and how
// big it is are known before a byte of it is read: no link is followed (O_NOFOLLOW), a FIFO is opened without
// blocking (O_NONBLOCK) and then refused, and a file over its bound is never read.
import * as fs from 'node:fs';

/** O_NOFOLLOW and O_NONBLOCK where the platform has them (not on Windows, where these cannot be FIFOs). */
export const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
export const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** What a file that is not a regular file is, for a message ("… is a directory"). */
export function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** A size for a message: "500 MB", "16 MB", "2.5 MB", "700 KB". */
export function sizeText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 10) return `${Math.round(mb)} MB`;
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

export type BoundedRead = { text: string } | { missing: true } | { notFile: string } | { tooLarge: number };

/**
 * The text of `file` if it is a regular file of at most `max` bytes; else that it is missing, what it is
 * instead (`notFile`: "a directory", "a symbolic link", …), or its size (`tooLarge`), with nothing read. A file
 * that grows past `max` while being read is refused too (never more than max + 1 bytes are read). Other
 * errors (no permission, …) are thrown.
 */
export function readBounded(file: string, max: number): BoundedRead {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { missing: true };
    if (code === 'ELOOP') return { notFile: 'a symbolic link' };
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { notFile: kindOf(st) };
    if (st.size > max) return { tooLarge: st.size };
    // One byte more than the size asks the file whether it grew meanwhile; it may, up to max + 1 bytes.
    let buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    for (;;) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > max) return { tooLarge: Math.max(n, fs.fstatSync(fd).size) };
      if (n === buf.length) buf = Buffer.concat([buf], Math.min(buf.length * 2, max + 1));
    }
    return { text: buf.toString('utf8', 0, n) };
  } finally {
    fs.closeSync(fd);
  }
}
