import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { firstNonUtf8, textOnly, textProblem } from './text-check.ts';

const problem = (bytes: Buffer | string, offset = 0) =>
  textProblem(Buffer.from(bytes), offset, new TextDecoder('utf-8', { fatal: true }));

/** Streams `chunks` through textOnly; resolves to the bytes that came out, or rejects. */
async function through(chunks: Buffer[], options: Parameters<typeof textOnly>[1] = {}): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    textOnly('file.csv', options),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('text check', () => {
  it('passes UTF-8 text with tabs, line ends and a byte-order mark', () => {
    assert.equal(problem('\uFEFFcode,name\r\n1,"Ynys Môn"\t\n2,Cymru – ✓\f\n'), null);
  });

  it('finds binary data and says where, without quoting it', () => {
    assert.equal(problem('code,name\n1,\x00\x01\x02'), 'does not look like text (binary data at byte 12)');
    assert.equal(problem('ab\x07', 100), 'does not look like text (binary data at byte 102)');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    assert.equal(problem(png), 'does not look like text (binary data at byte 0)');
  });

  it('tells text in another encoding from binary data', () => {
    assert.equal(
      problem(Buffer.from('code,name\n1,Ynys M\xf4n\n', 'latin1')),
      'does not look like UTF-8 text (byte 18 is 0xf4): if it is text, save it as UTF-8',
    );
  });

  it('finds the first byte that is not UTF-8', () => {
    assert.equal(firstNonUtf8(Buffer.from('abc')), -1);
    assert.equal(firstNonUtf8(Buffer.from([0x61, 0xc3, 0xa9, 0xff])), 3);
    assert.equal(firstNonUtf8(Buffer.from([0x61, 0xe2, 0x82])), -1); // cut short: the next piece goes on
    assert.equal(firstNonUtf8(Buffer.from([0x61, 0xe2, 0x41])), 1);
  });

  it('reads a character split between two pieces of the file', async () => {
    const text = Buffer.from('name\nCymru – ✓\n');
    const cut = text.indexOf(Buffer.from('–')) + 1;
    assert.deepEqual(await through([text.subarray(0, cut), text.subarray(cut)]), text);
  });

  it('refuses binary data in a later piece, with its place in the whole file', async () => {
    await assert.rejects(through([Buffer.from('a'.repeat(1000)), Buffer.from('bb\x00')]), {
      name: 'ImportError',
      message: 'file.csv: does not look like text (binary data at byte 1002)',
    });
  });

  it('refuses a file that ends in the middle of a character', async () => {
    await assert.rejects(through([Buffer.from([0x61, 0xe2, 0x82])]), /ends in the middle of a character/);
  });

  it('stops reading once a file is longer than allowed', async () => {
    await assert.rejects(
      through([Buffer.alloc(600, 0x61), Buffer.alloc(600, 0x61)], { maxBytes: 1000, tooLong: 'is too long' }),
      {
        name: 'ImportError',
        message: 'file.csv: is too long',
      },
    );
    assert.equal((await through([Buffer.alloc(1000, 0x61)], { maxBytes: 1000 })).length, 1000);
  });
});
