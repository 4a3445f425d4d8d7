import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readFeatures } from './geojson-source.ts';

describe('readFeatures', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-geojson-'));
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  const square = (n: number) => {
    const ring = Array.from({ length: n }, (_, i) => [i / n, 0]);
    return {
      type: 'Feature',
      properties: { code: 'E07000041' },
      geometry: { type: 'Polygon', coordinates: [ring] },
    };
  };
  const write = (name: string, features: unknown[]) => {
    const file = path.join(folder, name);
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
    return file;
  };
  const read = async (file: string, max: number) => {
    const indexes: number[] = [];
    for await (const feature of readFeatures(file, undefined, max)) indexes.push(feature.index);
    return indexes;
  };

  it('reads features up to the number of positions one may have', async () => {
    assert.deepEqual(await read(write('ok.geojson', [square(10), square(50)]), 100), [0, 1]);
  });

  it('refuses a feature with more positions than that, before assembling it whole', async () => {
    const file = write('big.geojson', [square(10), square(51)]);
    await assert.rejects(read(file, 100), {
      name: 'ImportError',
      message: `${file}: feature 1 has more than 50 positions: simplify it (generalised boundaries have a few thousand)`,
    });
  });
});
