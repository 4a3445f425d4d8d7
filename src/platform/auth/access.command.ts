/**
 * `jointly token add|list|revoke`: API tokens for programs that use the JSON API, each acting as one
 * account (a person's, or an account made for a system with `jointly account add --no-password`).
 * `jointly session list|end`: the sessions people are signed in with, and ending one.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Database } from '../../db/index.ts';
import { formatDateTime } from '../dates.ts';
import { createAuthService, type AuthSettings } from './auth.service.ts';
import { SessionInputError } from './sessions.ts';

type WithDatabase = (work: (database: Database, config: AuthSettings) => Promise<void>) => Promise<void>;

/** "12" → 12; anything else is refused with a message. */
export function parseId(value: string): number {
  const id = Number(value);
  if (!/^\d{1,15}$/.test(value.trim()) || !Number.isSafeInteger(id) || id <= 0) {
    throw new InvalidArgumentError(`"${value}" is not an id: give the number shown by the list command`);
  }
  return id;
}

export function addAccessCommands(
  program: Command,
  withDatabase: WithDatabase,
  print: (line: string) => void = (line) => console.log(line),
): void {
  const token = program
    .command('token')
    .description('API tokens for programs that use the JSON API (/api/v1) as an account');

  token
    .command('add')
    .description('make an API token that acts as the account; the token is printed on the last line, once')
    .requiredOption('--email <email>', 'the account the token acts as (a person, or a system account)')
    .requiredOption('--name <name>', 'what the token is for, for example "Finance ledger import"')
    .action((options: { email: string; name: string }) =>
      withDatabase(async (database, config) => {
        const auth = await createAuthService({ db: database.db, config });
        try {
          const made = await auth.createToken({ email: options.email, name: options.name, createdBy: null });
          print(
            `API token ${made.tokenId} "${made.name}" for ${options.email.trim().toLowerCase()}: it may do what ` +
              'that account may do. Keep it secret; it is shown only now:',
          );
          print(made.token);
        } catch (error) {
          if (error instanceof SessionInputError) throw new InvalidArgumentError(error.message);
          throw error;
        }
      }),
    );

  token
    .command('list')
    .description('list API tokens, newest first (never the tokens themselves)')
    .action(() =>
      withDatabase(async (database, config) => {
        const auth = await createAuthService({ db: database.db, config });
        const tokens = await auth.listTokens();
        if (tokens.length === 0) {
          print('There are no API tokens. Make one with "jointly token add".');
          return;
        }
        for (const t of tokens) {
          print(
            [
              t.tokenId,
              t.email,
              t.name,
              `${t.prefix}…`,
              `made ${formatDateTime(t.createdAt)}`,
              t.lastUsedAt ? `last used ${formatDateTime(t.lastUsedAt)}` : 'never used',
              t.revokedAt ? `REVOKED ${formatDateTime(t.revokedAt)}` : 'in use',
            ].join('\t'),
          );
        }
      }),
    );

  token
    .command('revoke')
    .description('stop an API token working, from its next request')
    .argument('<id>', 'the token id shown by "jointly token list"', parseId)
    .action((id: number) =>
      withDatabase(async (database, config) => {
        const auth = await createAuthService({ db: database.db, config });
        if (!(await auth.revokeToken(id, { accountId: null }))) {
          throw new InvalidArgumentError(`there is no API token ${id} still in use`);
        }
        print(`Revoked API token ${id}: it is refused from now on.`);
      }),
    );

  const session = program.command('session').description('the sessions people are signed in with');

  session
    .command('list')
    .description('list the sessions that are signed in now')
    .action(() =>
      withDatabase(async (database, config) => {
        const auth = await createAuthService({ db: database.db, config });
        const sessions = await auth.liveSessions();
        if (sessions.length === 0) {
          print('Nobody is signed in.');
          return;
        }
        for (const s of sessions) {
          print(
            [
              s.sessionId,
              s.email,
              `signed in ${formatDateTime(s.createdAt)}`,
              `last seen ${formatDateTime(s.lastSeenAt)}`,
              s.ipAddress ?? 'address unknown',
              s.userAgent ?? 'browser unknown',
            ].join('\t'),
          );
        }
      }),
    );

  session
    .command('end')
    .description('end a session: whoever uses it is signed out on their next request')
    .argument('<id>', 'the session id shown by "jointly session list"', parseId)
    .action((id: number) =>
      withDatabase(async (database, config) => {
        const auth = await createAuthService({ db: database.db, config });
        if ((await auth.endSession(id, null)) !== 'ended') {
          throw new InvalidArgumentError(`there is no session ${id} that is signed in`);
        }
        print(`Ended session ${id}: it is signed out on its next request.`);
      }),
    );
}
