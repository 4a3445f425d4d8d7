import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../../db/engine.ts';
import { ImportError, runImport } from '../../app/import.command.ts';
import { silentProgress } from '../../platform/import/progress.ts';
import { SHIPPED_BANK_HOLIDAYS } from './bank-holidays.import.ts';

describe('bank holiday import', () => {
  let database: Database;
  let folder: string;
  before(async () => {
    database = await openTestDatabase();
    folder = await mkdtemp(path.join(os.tmpdir(), 'jointly-holidays-'));
  });
  after(async () => {
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  const holidays = async () =>
    database.db
      .selectFrom('bank_holiday')
      .select(['division', 'holiday_date', 'title'])
      .orderBy('division')
      .orderBy('holiday_date')
      .execute();
  const write = async (name: string, content: unknown) => {
    const file = path.join(folder, name);
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('imports the England and Wales holidays Jointly ships, and a second import changes nothing', async () => {
    const first = await runImport(database.db, 'bank-holidays', SHIPPED_BANK_HOLIDAYS, silentProgress);
    assert.deepEqual([first.read, first.inserted, first.updated], [32, 32, 0]);
    const again = await runImport(database.db, 'bank-holidays', SHIPPED_BANK_HOLIDAYS, silentProgress);
    assert.deepEqual([again.read, again.inserted, again.updated, again.unchanged], [32, 0, 0, 32]);
    const rows = await holidays();
    assert.ok(rows.some((r) => r.holiday_date === '2026-12-28' && r.title === 'Boxing Day'));
    assert.ok(rows.some((r) => r.holiday_date === '2027-03-26' && r.title === 'Good Friday'));
    // Eight a year: every year has them all.
    for (const year of ['2024', '2025', '2026', '2027']) {
      assert.equal(rows.filter((r) => r.holiday_date.startsWith(year)).length, 8, year);
    }
  });

  it('adds another division from a GOV.UK file and leaves the divisions it does not list alone', async () => {
    const file = await write('scotland.json', {
      scotland: {
        division: 'scotland',
        events: [{ title: 'St Andrew’s Day', date: '2026-11-30', notes: '', bunting: true }],
      },
    });
    const summary = await runImport(database.db, 'bank-holidays', file, silentProgress);
    assert.equal(summary.inserted, 1);
    const rows = await holidays();
    assert.equal(rows.filter((r) => r.division === 'england-and-wales').length, 32);
    assert.equal(rows.filter((r) => r.division === 'scotland').length, 1);
  });

  it('reads a file saved with a byte-order mark', async () => {
    const body = { scotland: { events: [{ title: 'St Andrew’s Day', date: '2026-11-30' }] } };
    const file = await write('bom.json', `\uFEFF${JSON.stringify(body)}`);
    const summary = await runImport(database.db, 'bank-holidays', file, silentProgress);
    assert.deepEqual([summary.read, summary.inserted + summary.updated + summary.unchanged], [1, 1]);
  });

  for (const [name, content, problem] of [
    ['not-json.json', '{"england-and-wales": ', /is not valid JSON/],
    ['array.json', '[]', /expected an object of divisions/],
    ['division.json', { wales: { events: [] } }, /"wales" is not a division/],
    [
      'no-events.json',
      { scotland: { division: 'scotland' } },
      /column "scotland\.events": has no list of events/,
    ],
    [
      'bad-date.json',
      { scotland: { events: [{ title: 'Day', date: '2026-02-30' }] } },
      /column "scotland\.events\[0\]\.date": "2026-02-30" is not a real date/,
    ],
    ['no-title.json', { scotland: { events: [{ date: '2026-12-01' }] } }, /scotland\.events\[0\]\.title/],
    [
      'twice.json',
      {
        scotland: {
          events: [
            { title: 'A', date: '2026-12-01' },
            { title: 'B', date: '2026-12-01' },
          ],
        },
      },
      /2026-12-01 is listed twice/,
    ],
  ] as const) {
    it(`refuses ${name}, naming the file and the place, and changes nothing`, async () => {
      const before = await holidays();
      const file = await write(name, content);
      await assert.rejects(
        runImport(database.db, 'bank-holidays', file, silentProgress),
        (error: unknown) =>
          error instanceof ImportError && error.message.startsWith(file) && problem.test(error.message),
      );
      assert.deepEqual(await holidays(), before);
    });
  }
});
