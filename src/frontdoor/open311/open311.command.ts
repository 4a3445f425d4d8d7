/**
 * `jointly open311 key --jurisdiction <slug> [--name <client>]`: makes an API key for an Open311
 * client of that council and prints it on the last line (the only time it is shown).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Database } from '../../db/index.ts';
import { ApiKeyError, createApiKey } from './api-keys.ts';

type WithDatabase = (work: (database: Database) => Promise<void>) => Promise<void>;

export function addOpen311Command(
  program: Command,
  withDatabase: WithDatabase,
  print: (line: string) => void = (line) => console.log(line),
): void {
  const open311 = program.command('open311').description('manage Open311 GeoReport v2 clients');
  open311
    .command('key')
    .description('make an API key for an Open311 client of one council; the key is printed on the last line')
    .requiredOption(
      '--jurisdiction <slug>',
      'the council, by its GOV.UK slug (its jurisdiction_id), e.g. exeter',
    )
    .option('--name <client>', 'who the key is for, e.g. "FixMyStreet"', 'Open311 client')
    .action((options: { jurisdiction: string; name: string }) =>
      withDatabase(async (database) => {
        try {
          const made = await createApiKey(database.db, {
            jurisdiction: options.jurisdiction,
            name: options.name,
          });
          print(
            `API key ${made.keyId} for ${made.name}, jurisdiction_id ${made.jurisdiction}. Keep it secret:`,
          );
          print(made.key);
        } catch (error) {
          if (error instanceof ApiKeyError) throw new InvalidArgumentError(error.message);
          throw error;
        }
      }),
    );
}
