/**
 * `jointly measures-refresh [--from DATE --to DATE]`: makes the measures' day summaries of a span
 * of London days again from the cases, with progress shown. Without dates, the last 35 days, as
 * the server does every hour; after an import of old cases, the days they fall on.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Progress } from '../platform/index.ts';
import { isIsoDay, recentSpan, refreshSummaries } from './summary.service.ts';

const day = (text: string) => {
  if (!isIsoDay(text)) throw new InvalidArgumentError(`"${text}" is not a date written YYYY-MM-DD`);
  return text;
};

export function addMeasuresRefreshCommand(
  program: Command,
  withDb: (work: (db: Kysely<DB>) => Promise<void>) => Promise<void>,
  progress: () => Progress,
): void {
  program
    .command('measures-refresh')
    .description('make the day summaries measures are computed from again, for the last 35 days or a span')
    .option('--from <date>', 'the first London day (YYYY-MM-DD)', day)
    .option('--to <date>', 'the last London day (YYYY-MM-DD), today if not given', day)
    .action((options: { from?: string; to?: string }) =>
      withDb(async (db) => {
        const recent = recentSpan();
        const last = options.to ?? recent.last;
        const first = options.from ?? (options.to ? last : recent.first);
        if (last < first) throw new InvalidArgumentError(`--to (${last}) is before --from (${first})`);
        const result = await refreshSummaries(db, { first, last }, progress());
        console.log(
          `Day summaries made again for ${result.days} days, ${result.first} to ${result.last}: ${result.rowsWritten} rows.`,
        );
      }),
    );
}
