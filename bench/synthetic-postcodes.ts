/**
 * A large postcode file for benchmarks, in the Code-Point Open layout of the sample we ship: every
 * unit code of every outcode in the sample, each carrying the codes and position of a real sample
 * row from the same outcode. The postcodes are not real; the file is made in a temporary folder,
 * used and deleted, and never loaded into a register anyone reads.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parse } from 'csv-parse';
import { tryNormalisePostcode } from '../src/geography/postcode.ts';

const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export async function writeSyntheticPostcodes(
  referenceDir: string,
  file: string,
  rows: number,
): Promise<number> {
  const sample = path.join(referenceDir, 'postcodes', 'codepoint_open_2014_two_tier_sample.csv');
  const byOutcode = new Map<string, string[][]>();
  let header: string[] = [];
  for await (const record of createReadStream(sample).pipe(parse({ bom: true })) as AsyncIterable<string[]>) {
    if (header.length === 0) {
      header = record;
      continue;
    }
    const postcode = tryNormalisePostcode(record[0]!);
    if (!postcode) continue;
    const outcode = postcode.split(' ')[0]!;
    byOutcode.set(outcode, [...(byOutcode.get(outcode) ?? []), record]);
  }
  const out = createWriteStream(file);
  out.write(`${header.join(',')}\n`);
  let written = 0;
  outer: for (let sector = 0; sector <= 9; sector++) {
    for (const a of LETTERS) {
      for (const b of LETTERS) {
        for (const [outcode, records] of byOutcode) {
          if (written >= rows) break outer;
          const template = records[written % records.length]!;
          const line = [`${outcode} ${sector}${a}${b}`, ...template.slice(1)].join(',');
          if (!out.write(`${line}\n`)) await once(out, 'drain');
          written++;
        }
      }
    }
  }
  out.end();
  await once(out, 'finish');
  return written;
}
