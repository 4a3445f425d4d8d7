/**
 * Whether a file may be a meeting's paper: the type read from its bytes (PDF, DOCX, ODT; text and
 * CSV as clean UTF-8) and matching its extension, nothing empty or over the limit; and the file
 * name a download is saved under, safe in a header whatever was uploaded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import {
  PAPER_MAX_BYTES,
  attachmentHeader,
  checkPaper,
  extensionOf,
  isCleanUtf8,
  safeFileName,
} from './paper-check.ts';

/** A zip archive of stored (uncompressed) entries, as office formats are built on. */
function storedZip(entries: Array<[string, string]>): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc32(data), 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(header, nameBytes, data);
    central.push(entry, nameBytes);
    offset += header.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, directory, end]));
}

const DOCX = storedZip([
  [
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  ],
  ['word/document.xml', '<w:document/>'],
]);
const ODT = storedZip([
  ['mimetype', 'application/vnd.oasis.opendocument.text'],
  ['content.xml', '<office:document-content/>'],
]);
const PDF = new TextEncoder().encode('%PDF-1.7\n%%EOF\n');

describe('paper checks', () => {
  it('takes PDF, DOCX, ODT, text and CSV by their bytes, with a digest and size', async () => {
    const cases: Array<[Uint8Array, string, string]> = [
      [PDF, 'Report.PDF', 'application/pdf'],
      [DOCX, 'report.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [ODT, 'report.odt', 'application/vnd.oasis.opendocument.text'],
      [new TextEncoder().encode('Minutes – 15 July 2015\n'), 'minutes.txt', 'text/plain'],
      [new TextEncoder().encode('a,b\n1,2\n'), 'figures.csv', 'text/csv'],
    ];
    for (const [bytes, name, type] of cases) {
      const checked = await checkPaper(bytes, name);
      assert.ok(checked.ok, name);
      assert.equal(checked.mediaType, type);
      assert.equal(checked.sizeBytes, bytes.byteLength);
      assert.match(checked.sha256, /^[0-9a-f]{64}$/);
    }
  });

  it('refuses a type off the list, a mismatched extension, bad text, an empty or oversized file', async () => {
    const refused: Array<[Uint8Array, string, RegExp]> = [
      [PDF, 'report', /must be a PDF/],
      [PDF, 'report.exe', /must be a PDF/],
      [DOCX, 'report.pdf', /not a PDF file: its name ends \.pdf but it holds a Word document/],
      [ODT, 'report.docx', /holds an OpenDocument text \(ODT\) file/],
      [PDF, 'notes.txt', /not a Plain text file/],
      [new TextEncoder().encode('not really a pdf'), 'report.pdf', /is not a PDF file/],
      [new Uint8Array([0x41, 0x00]), 'data.csv', /UTF-8/],
      [new Uint8Array(0), 'empty.pdf', /is empty/],
      [new Uint8Array(PAPER_MAX_BYTES + 1), 'big.pdf', /smaller than 20\.0 MB/],
    ];
    for (const [bytes, name, message] of refused) {
      const checked = await checkPaper(bytes, name);
      assert.equal(checked.ok, false, name);
      assert.match((checked as { message: string }).message, message, name);
    }
  });

  it('reads extensions and clean UTF-8', () => {
    assert.equal(extensionOf('a/b.c/Report.Final.PDF'), 'pdf');
    assert.equal(extensionOf('.txt'), '');
    assert.equal(isCleanUtf8(new TextEncoder().encode('£ – ü')), true);
    assert.equal(isCleanUtf8(new Uint8Array([0xc3, 0x28])), false);
  });

  it('gives any uploaded name back as a safe header with its extension', () => {
    assert.equal(safeFileName('../../etc/"report"\r\n.pdf'), 'report.pdf');
    assert.equal(safeFileName('   '), 'paper');
    assert.equal(safeFileName(`${'x'.repeat(300)}.docx`).length, 100);
    assert.ok(safeFileName(`${'x'.repeat(300)}.docx`).endsWith('.docx'));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (name) => {
        const header = attachmentHeader(name);
        assert.match(
          header,
          /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%\-_.!~*'()]*$/,
        );
        assert.ok(!/[\r\n]/.test(header));
      }),
    );
  });
});
