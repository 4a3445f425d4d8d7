/**
 * The `jointly` command line: serve, migrate, import reference data and ledger extracts, load the
 * demo, add accounts, make API tokens, list and end sessions, make Open311 client keys, run recharges.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DatabaseInUseError, openDatabase, type Database } from '../db/index.ts';
import { MigrationError, migrateToLatest } from '../db/index.ts';
import { startServer } from './start.ts';
import {
  IMPORT_KINDS,
  runImport,
  importAllReferenceData,
  ImportError,
  type ImportSummary,
} from './import.command.ts';
import { demoAccountCreator, loadDemo } from '../demo/index.ts';
import { createServices } from './services.ts';
import { addAccountCommand } from '../platform/index.ts';
import { addAccessCommands } from '../platform/index.ts';
import { addOpen311Command } from '../frontdoor/index.ts';
import { addRechargeCommand } from '../finance/index.ts';
import { addMeasuresRefreshCommand } from '../performance/index.ts';
import { terminalProgress } from '../platform/index.ts';
import { parseAreaKind } from '../geography/index.ts';
import { LEDGER_FIELDS, OPERATOR, formatPounds, importLedger } from '../finance/index.ts';
import type { LedgerField, LedgerMapping } from '../finance/index.ts';
import { ProblemError } from '../platform/index.ts';
import type { DefinableKind } from '../geography/index.ts';

/** `--kind` for import areas, refused with the kinds there are. */
function parseKindOption(text: string): DefinableKind {
  try {
    return parseAreaKind(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

async function openConfigured(config: Config): Promise<Database> {
  const database = await openDatabase(
    config.databaseUrl
      ? { url: config.databaseUrl, ...(config.databaseAppUrl ? { appUrl: config.databaseAppUrl } : {}) }
      : { dataDir: config.dataDir },
  );
  await migrateToLatest(database);
  return database;
}

async function withDatabase(work: (database: Database, config: Config) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const database = await openConfigured(config);
  try {
    await work(database, config);
  } finally {
    await database.close();
  }
}

const program = new Command('jointly')
  .description('Jointly: the register, front door and governance for councils that work together.')
  .showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('start the web application (loads the demo on first start on an empty register)')
  .action(async () => {
    const config = loadConfig();
    await startServer(config, await openConfigured(config));
  });

program
  .command('migrate')
  .description('apply database migrations that have not been applied yet')
  .action(() =>
    withDatabase(async (database) => {
      // openConfigured has already migrated; say what state the database is in.
      console.log(`Database at ${database.location} is up to date.`);
    }),
  );

program
  .command('import')
  .description(
    `import reference data: ${IMPORT_KINDS.join(', ')}, or "all" for every file in a folder ` +
      '(one transaction: a bad file anywhere keeps nothing from the folder)',
  )
  .argument('<kind>', `one of ${IMPORT_KINDS.join(', ')}, all`)
  .argument('[files...]', 'files to import (for "all": the folder, default JOINTLY_REFERENCE_DATA)')
  .option(
    '--each-file',
    'for "all": commit each file as it is imported; after an error, the files before it are kept',
  )
  .option('--partnership <slug>', 'for "areas": the partnership whose areas they are')
  .option('--kind <kind>', 'for "areas": locality, market-town, parish or ward', parseKindOption)
  .option(
    '--name-property <name>',
    'for "areas" from a GeoJSON file: the property that names each area (default "name")',
  )
  .action(
    (
      kind: string,
      files: string[],
      options: {
        eachFile?: boolean;
        partnership?: string;
        kind?: DefinableKind;
        nameProperty?: string;
      },
    ) =>
      withDatabase(async (database, config) => {
        const progress = terminalProgress(process.stderr);
        if (kind === 'all') {
          const summaries = await importAllReferenceData(
            database.db,
            files[0] ?? config.referenceDataDir,
            progress,
            { eachFile: options.eachFile === true },
          );
          for (const s of summaries) console.log(formatSummary(s));
          return;
        }
        if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
          throw new InvalidArgumentError(
            `unknown kind "${kind}": use one of ${IMPORT_KINDS.join(', ')}, all`,
          );
        }
        if (files.length === 0) throw new InvalidArgumentError(`name the file(s) to import as ${kind}`);
        if (options.eachFile) throw new InvalidArgumentError('--each-file is for "import all" only');
        if (kind === 'areas' && (options.partnership === undefined || options.kind === undefined)) {
          throw new InvalidArgumentError(
            'areas need --partnership SLUG and --kind (locality, market-town, parish or ward)',
          );
        }
        if (
          kind !== 'areas' &&
          (options.partnership !== undefined ||
            options.kind !== undefined ||
            options.nameProperty !== undefined)
        ) {
          throw new InvalidArgumentError(
            '--partnership, --kind and --name-property are for "import areas" only',
          );
        }
        const importOptions =
          options.partnership !== undefined && options.kind !== undefined
            ? {
                areas: {
                  partnership: options.partnership,
                  kind: options.kind,
                  ...(options.nameProperty === undefined ? {} : { nameProperty: options.nameProperty }),
                },
              }
            : {};
        // Each file is its own transaction: the files printed before an error are kept.
        for (const [i, file] of files.entries()) {
          try {
            console.log(
              formatSummary(
                await runImport(
                  database.db,
                  kind as (typeof IMPORT_KINDS)[number],
                  file,
                  progress,
                  file,
                  importOptions,
                ),
              ),
            );
          } catch (error) {
            if (!(error instanceof ImportError)) throw error;
            const kept = files.slice(0, i);
            throw new ImportError(
              error.problem +
                `\nNothing from ${file} was imported` +
                (kept.length === 0
                  ? '.'
                  : `; kept (committed before the error): ${kept.join(', ')}` +
                    (i + 1 < files.length ? `; not imported: ${files.slice(i + 1).join(', ')}.` : '.')),
              {
                file: error.file,
                ...(error.line === undefined ? {} : { line: error.line }),
                ...(error.column === undefined ? {} : { column: error.column }),
              },
              { cause: error },
            );
          }
        }
      }),
  );

program
  .command('demo')
  .description('load the four demo partnerships and demo accounts (imports reference data first)')
  .action(() =>
    withDatabase(async (database, config) => {
      const { auth } = await createServices(config, database);
      await loadDemo(
        database.db,
        config.referenceDataDir,
        terminalProgress(process.stderr),
        demoAccountCreator(auth),
      );
      console.log('Demo partnerships loaded.');
    }),
  );

program
  .command('proposals-due')
  .description(
    'put into effect every approved proposal whose effective date has come (the server does this every hour)',
  )
  .action(() =>
    withDatabase(async (database, config) => {
      const { governance } = await createServices(config, database);
      const applied = await governance.applyDue();
      console.log(
        applied.length === 0
          ? 'No proposal was due.'
          : `${applied.length} proposals took effect: ${applied.join(', ')}.`,
      );
    }),
  );

/** `--map field=column`, gathered into a mapping. */
function collectMap(text: string, mapping: LedgerMapping = {}): LedgerMapping {
  const at = text.indexOf('=');
  const field = text.slice(0, at).trim();
  if (at < 1 || !(field in LEDGER_FIELDS) || text.slice(at + 1).trim() === '') {
    throw new InvalidArgumentError(
      `"${text}" is not field=column: the fields are ${Object.keys(LEDGER_FIELDS).join(', ')}`,
    );
  }
  return { ...mapping, [field as LedgerField]: text.slice(at + 1).trim() };
}

program
  .command('import-ledger')
  .description(
    'import a ledger extract (CSV) into a cost pool, as the operator: every row is checked first, and a ' +
      'file with any bad row imports nothing',
  )
  .argument('<file>', 'the CSV file')
  .requiredOption('--pool <id>', 'the cost pool', (text) => {
    if (!/^[0-9]{1,15}$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a pool id`);
    return Number(text);
  })
  .option('--mapping <name>', 'use the column mapping saved under this name')
  .option(
    '--map <field=column>',
    `which column holds a field (${Object.keys(LEDGER_FIELDS).join(', ')}); repeat for each; ` +
      'without --map or --mapping the columns are guessed from the header',
    collectMap,
  )
  .option('--save-mapping <name>', 'save the mapping used under this name, for the next file')
  .action(
    (file: string, options: { pool: number; mapping?: string; map?: LedgerMapping; saveMapping?: string }) =>
      withDatabase(async (database) => {
        if (options.mapping !== undefined && options.map !== undefined) {
          throw new InvalidArgumentError('give --mapping NAME or --map field=column, not both');
        }
        try {
          const result = await importLedger(database.db, {
            actor: OPERATOR,
            poolId: options.pool,
            file,
            ...(options.map ? { mapping: options.map } : {}),
            ...(options.mapping !== undefined ? { mappingName: options.mapping } : {}),
            ...(options.saveMapping !== undefined ? { saveMappingAs: options.saveMapping } : {}),
            progress: terminalProgress(process.stderr),
          });
          const columns = Object.entries(result.mapping)
            .map(([field, column]) => `${field}=${column}`)
            .join(', ');
          console.log(
            `Imported ${result.lineCount} ledger lines totalling ${formatPounds(result.totalPence)} from ` +
              `${result.fileName} into pool ${result.poolId} (import ${result.importId}).`,
          );
          console.log(`Columns${result.guessed ? ' (guessed from the header)' : ''}: ${columns}.`);
          if (result.savedMapping) console.log(`Mapping saved as "${result.savedMapping}".`);
        } catch (error) {
          if (!(error instanceof ProblemError)) throw error;
          console.error(`jointly: ${error.detail}`);
          process.exitCode = 1;
        }
      }),
  );

addAccountCommand(program, withDatabase);
addAccessCommands(program, withDatabase);
addOpen311Command(program, withDatabase);
addRechargeCommand(
  program,
  (work) => withDatabase(async (database, config) => work((await createServices(config, database)).finance)),
  () => terminalProgress(process.stderr),
);
addMeasuresRefreshCommand(
  program,
  (work) => withDatabase((database) => work(database.db)),
  () => terminalProgress(process.stderr),
);

function formatSummary(s: ImportSummary): string {
  if (s.kind === 'skipped') return `skipped ${s.file}: ${s.note ?? 'not reference data for the register'}`;
  const skipped = s.skipped ? `, ${s.skipped} skipped` : '';
  const note = s.note ? ` (${s.note})` : '';
  return `${s.kind} ${s.file}: ${s.read} rows read, ${s.inserted} added, ${s.updated} changed, ${s.unchanged} unchanged${skipped}${note}`;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (
    error instanceof ConfigError ||
    error instanceof DatabaseInUseError ||
    error instanceof MigrationError ||
    error instanceof ImportError ||
    error instanceof InvalidArgumentError
  ) {
    console.error(`jointly: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
