/**
 * Whether a file may be kept as a meeting's paper, from its bytes and its name alone: the type is
 * read from the bytes (`file-type` recognises PDF, DOCX and ODT by their signatures), never taken
 * from what the browser said, and must match the file's extension; plain text and CSV, which have
 * no signature, must be valid UTF-8 with no NUL byte. An empty file, or one over the limit, is
 * refused. Pure: nothing is read or written but the bytes given.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { PAPER_MAX_BYTES } from '../db/index.ts';

export { PAPER_MAX_BYTES };

/** The types a paper may be, each with the extensions its name may end in and its words for people. */
export const PAPER_TYPES = {
  'application/pdf': { extensions: ['pdf'], label: 'PDF' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    extensions: ['docx'],
    label: 'Word document (DOCX)',
  },
  'application/vnd.oasis.opendocument.text': { extensions: ['odt'], label: 'OpenDocument text (ODT)' },
  'text/csv': { extensions: ['csv'], label: 'CSV' },
  'text/plain': { extensions: ['txt'], label: 'Plain text' },
} as const;

export type PaperMediaType = keyof typeof PAPER_TYPES;

/** The list of types a paper may be, as the form and its messages say it. */
export const PAPER_TYPE_WORDS =
  'a PDF, Word document (DOCX), OpenDocument text (ODT), plain text or CSV file';

export type PaperCheck =
  { ok: true; mediaType: PaperMediaType; sizeBytes: number; sha256: string } | { ok: false; message: string };

const mediaTypeForExtension = (extension: string): PaperMediaType | undefined =>
  (Object.keys(PAPER_TYPES) as PaperMediaType[]).find((type) =>
    (PAPER_TYPES[type].extensions as readonly string[]).includes(extension),
  );

/** The extension of a file name, lower case, without the dot; empty when there is none. */
export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** Text as a paper may hold it: UTF-8 that decodes without a replacement, and no NUL byte. */
export function isCleanUtf8(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Size in words people read: 512 bytes, 14 KB, 2.3 MB. */
export function sizeWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether `bytes`, named `fileName`, may be kept as a paper, and if so as which type. */
export async function checkPaper(bytes: Uint8Array, fileName: string): Promise<PaperCheck> {
  if (bytes.byteLength === 0) return { ok: false, message: 'The selected file is empty' };
  if (bytes.byteLength > PAPER_MAX_BYTES)
    return { ok: false, message: `The selected file must be smaller than ${sizeWords(PAPER_MAX_BYTES)}` };
  const extension = extensionOf(fileName);
  const claimed = mediaTypeForExtension(extension);
  if (!claimed) return { ok: false, message: `The selected file must be ${PAPER_TYPE_WORDS}` };
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    if (detected.mime !== claimed) {
      const held =
        detected.mime in PAPER_TYPES
          ? `${PAPER_TYPES[detected.mime as PaperMediaType].label} file`
          : `.${detected.ext} file`;
      return {
        ok: false,
        message: `The selected file is not a ${PAPER_TYPES[claimed].label} file: its name ends .${extension} but it holds ${/^[AEIOU]/i.test(held) ? 'an' : 'a'} ${held}`,
      };
    }
  } else if (claimed !== 'text/plain' && claimed !== 'text/csv') {
    return { ok: false, message: `The selected file is not a ${PAPER_TYPES[claimed].label} file` };
  } else if (!isCleanUtf8(bytes)) {
    return {
      ok: false,
      message: `The selected file must be ${PAPER_TYPES[claimed].label.toLowerCase()} saved as UTF-8 (it holds bytes that are not text)`,
    };
  }
  return { ok: true, mediaType: claimed, sizeBytes: bytes.byteLength, sha256: sha256Of(bytes) };
}

/**
 * A file name safe for a Content-Disposition header: the last part of the path, without control
 * characters, quotes or separators, at most 100 characters, keeping its extension; the header's
 * filename* gives the UTF-8 name and filename an ASCII fallback.
 */
export function safeFileName(fileName: string, fallback = 'paper'): string {
  const base = (fileName.split(/[\\/]/).pop() ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"*:<>?|;]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (base === '') return fallback;
  if (base.length <= 100) return base;
  const extension = extensionOf(base);
  return extension ? `${base.slice(0, 99 - extension.length)}.${extension}` : base.slice(0, 100);
}

/** The Content-Disposition header that makes a browser save the file rather than open it. */
export function attachmentHeader(fileName: string): string {
  const name = safeFileName(fileName);
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
