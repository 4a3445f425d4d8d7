/**
 * A process that holds an embedded data folder, for the lock tests: `embedded DIR` opens the
 * database there and then answers lines on stdin ("write" adds a row and prints how many there
 * are, "close" closes the database and exits); `lock DIR MS` only takes the folder's lock, prints
 * whether it got it, and holds it for MS milliseconds. Prints "refused: <message>" when refused.
 */
import readline from 'node:readline';
import { sql } from 'kysely';
import { lockDataDir } from '../../src/db/data-dir-lock.ts';
import { DatabaseInUseError, openDatabase } from '../../src/db/engine.ts';

const [mode, dataDir, holdMs] = process.argv.slice(2);

function refused(error: unknown): never {
  if (!(error instanceof DatabaseInUseError)) throw error;
  process.stdout.write(`refused: ${error.message}\n`);
  process.exit(3);
}

if (mode === 'lock') {
  let lock;
  try {
    lock = lockDataDir(dataDir!);
  } catch (error) {
    refused(error);
  }
  process.stdout.write('locked\n');
  setTimeout(() => {
    lock.release();
    process.exit(0);
  }, Number(holdMs));
} else {
  const database = await openDatabase({ dataDir: dataDir! }).catch(refused);
  await sql`create table if not exists lock_probe (n integer)`.execute(database.db);
  process.stdout.write(`ready ${process.pid}\n`);
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line === 'write') {
      await sql`insert into lock_probe values (1)`.execute(database.db);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from lock_probe`.execute(
        database.db,
      );
      process.stdout.write(`wrote ${rows[0]!.n}\n`);
    } else if (line === 'close') {
      await database.close();
      process.exit(0);
    }
  }
}
