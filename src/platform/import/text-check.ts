/**
 * Reference data files are UTF-8 text. This stream passes a file's bytes through unchanged and
 * stops at the first sign that it is not text (a NUL or another control character, or bytes that
 * are not UTF-8), or once it is longer than allowed, with an ImportError that describes the
 * problem in a few words instead of quoting the bytes:
 *   postcodes.csv: does not look like text (binary data at byte 12)
 */
import { Transform, type TransformCallback } from 'node:stream';
import { ImportError } from './import-error.ts';

/** Control characters that text files do not hold (tab, line feed, vertical tab, form feed and
 * carriage return are text). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0e-\x1f]/;

/** The position of the first byte in `bytes` that cannot start or continue UTF-8, or -1. */
export function firstNonUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return -1; // cut at the end of this piece: the next one goes on
      if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return -1;
}

/** The problem with a piece of a file, or null if it is text; `offset` is where the piece starts. */
export function textProblem(bytes: Buffer, offset: number, decoder: TextDecoder): string | null {
  const control = CONTROL.exec(bytes.toString('latin1'));
  try {
    decoder.decode(bytes, { stream: true });
  } catch {
    const at = firstNonUtf8(bytes);
    const bad = at === -1 ? 0 : at;
    // Bytes that are not UTF-8 among control characters are binary data; alone, another encoding.
    if (control) return binary(offset + Math.min(control.index, bad));
    return `does not look like UTF-8 text (byte ${offset + bad} is 0x${bytes[bad]!.toString(16).padStart(2, '0')}): if it is text, save it as UTF-8`;
  }
  return control ? binary(offset + control.index) : null;
}

const binary = (at: number) => `does not look like text (binary data at byte ${at})`;

export interface TextOnlyOptions {
  /** The most bytes the file may have; more is refused with `tooLong` as the problem. */
  maxBytes?: number;
  tooLong?: string;
  /** Drop a UTF-8 byte-order mark at the start (for JSON, whose parsers do not expect one). */
  dropBom?: boolean;
}

/** A pass-through stream of a file's bytes that fails with an ImportError unless they are text. */
export function textOnly(file: string, options: TextOnlyOptions = {}): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (options.dropBom && offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        offset = 3;
      }
      if (options.maxBytes !== undefined && offset + chunk.length > options.maxBytes) {
        done(new ImportError(options.tooLong ?? `is longer than ${options.maxBytes} bytes`, { file }));
        return;
      }
      const problem = textProblem(chunk, offset, decoder);
      offset += chunk.length;
      if (problem) done(new ImportError(problem, { file }));
      else done(null, chunk);
    },
    flush(done: TransformCallback) {
      try {
        decoder.decode();
        done();
      } catch {
        done(
          new ImportError(`does not look like UTF-8 text (it ends in the middle of a character)`, { file }),
        );
      }
    },
  });
}
