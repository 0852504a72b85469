import * as fs from 'fs';

/**
 * Writes a file from chunks, in writes of about 4 MB: each chunk is encoded straight into one
 * reused buffer (no joined string, no buffer per write); a chunk too large for it is written alone.
 */
export function writeChunked(file: string, produce: (write: (chunk: string) => void) => void): void {
  const fd = fs.openSync(file, 'w');
  try {
    const buffer = Buffer.allocUnsafe(4 * 1_048_576);
    let used = 0;
    const writeAll = (bytes: Buffer, length: number) => {
      for (let offset = 0; offset < length;) offset += fs.writeSync(fd, bytes, offset, length - offset);
    };
    const flush = () => {
      writeAll(buffer, used);
      used = 0;
    };
    produce((chunk) => {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit: a chunk that may not fit is not split.
      if (chunk.length * 3 > buffer.length - used) flush();
      if (chunk.length * 3 > buffer.length) {
        const bytes = Buffer.from(chunk, 'utf8');
        writeAll(bytes, bytes.length);
      } else {
        used += buffer.write(chunk, used, 'utf8');
      }
    });
    flush();
  } finally {
    fs.closeSync(fd);
  }
}
