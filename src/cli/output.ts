import { chmodSync, closeSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'fs';
import { basename, dirname, join } from 'path';
import { FileIdentity } from '../ingest/template';

/**
 * Writes the report to `--output`, safely: never over one of the inputs (by device and inode, so
 * a link or another spelling of the path is caught), never through a symbolic link to a missing
 * file, and atomically (a temporary file in the same directory, renamed over the target), so a
 * reader never sees half a report and a failed write leaves the old file. A device or a pipe
 * (`/dev/stdout`) is written directly. Returns the problem, or undefined when written.
 */
export function writeReportFile(target: string, report: string, inputs: readonly FileIdentity[]): string | undefined {
  let path = target;
  let mode: number | undefined;
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    lstatSync(target);
    try {
      existing = statSync(target);
    } catch {
      return 'is a symbolic link to a file that does not exist: give the path to write directly';
    }
  } catch {
    existing = undefined; // a new file
  }
  if (existing) {
    const input = inputs.find((i) => i.dev === existing!.dev && i.ino === existing!.ino);
    if (input) return `is one of the inputs (${input.file}): refusing to write the report over it`;
    if (existing.isDirectory()) return 'is a directory';
    if (!existing.isFile()) {
      // /dev/stdout, /dev/null, a named pipe: nothing to replace, write in place.
      writeFileSync(target, report);
      return undefined;
    }
    path = realpathSync(target); // through a link to an existing file: replace the file, keep the link
    mode = Number(existing.mode) % 0o10000; // the permission bits
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', mode ?? 0o666);
  } catch (e) {
    // A file we may write in a directory we may not: replace its content in place.
    const code = (e as NodeJS.ErrnoException).code;
    if (existing && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) {
      writeFileSync(path, report);
      return undefined;
    }
    throw e;
  }
  try {
    writeFileSync(fd, report);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (mode !== undefined) chmodSync(temporary, mode);
    renameSync(temporary, path);
    return undefined;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // already gone
    }
    throw e;
  }
}
