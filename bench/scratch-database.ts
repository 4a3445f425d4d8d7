/**
 * A scratch PostgreSQL database for a bench: created on the server with a random name, reached as
 * the owner (and, for request work, as jointly_app), and dropped again when the bench is done.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  name: string;
  /** The owner's connection to it. */
  url: string;
  /** The same database at another server URL (another role's). */
  urlAs(serverUrl: string): string;
  /** Drops it, waiting for connections that are still leaving; reports a failure rather than throwing. */
  drop(): Promise<void>;
}

/** A URL naming database `name` on the server of `serverUrl`. */
function onDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createScratchDatabase(serverUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `jointly_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  return {
    name,
    url: onDatabase(serverUrl, name),
    urlAs: (other) => onDatabase(other, name),
    async drop() {
      // A connection the engine has just closed may still be leaving the server: wait for it.
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.query(`drop database if exists ${name}`);
          break;
        } catch (error) {
          if (attempt >= 20) {
            console.error(`could not drop ${name}: ${(error as Error).message}`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      await admin.end();
    },
  };
}
