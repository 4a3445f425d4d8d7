/**
 * `jointly account add` and `jointly account list`: administrators provision accounts from the
 * command line. The password comes from JOINTLY_ACCOUNT_PASSWORD or is typed at a prompt that does
 * not echo it; `--no-password` makes an account that signs in only with the organisation's account.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Database } from '../../db/index.ts';
import type { Role } from '../../db/index.ts';
import { AccountInputError, ROLE_NAMES, ROLES } from './account-input.ts';
import { createAuthService, type AccountSummary, type AuthSettings } from './auth.service.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';

export const PASSWORD_ENV = 'JOINTLY_ACCOUNT_PASSWORD';

type WithDatabase = (work: (database: Database, config: AuthSettings) => Promise<void>) => Promise<void>;

/** Where the command reads the password from and writes to; tests pass their own. */
export interface AccountCommandIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  print(line: string): void;
}

const defaultIo = (): AccountCommandIo => ({
  env: process.env,
  stdin: process.stdin,
  stderr: process.stderr,
  print: (line) => console.log(line),
});

/** "524,530" → [524, 530]. */
export function parseServices(value: string): number[] {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const codes = parts.map(Number);
  if (parts.length === 0 || !codes.every((code) => Number.isSafeInteger(code) && code > 0)) {
    throw new InvalidArgumentError('list LGSL codes separated by commas, for example 524,530');
  }
  return codes;
}

/** Asks each question in turn on a terminal, reading the answers without showing what is typed. */
function promptHidden(
  questions: readonly string[],
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let value = '';
    const finish = (error?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      if (error) reject(error);
      else resolve(answers);
    };
    const onData = (chunk: Buffer | string) => {
      for (const character of chunk.toString()) {
        if (character === '\u0003') {
          output.write('\n');
          return finish(new InvalidArgumentError('cancelled'));
        }
        if (character === '\r' || character === '\n' || character === '\u0004') {
          answers.push(value);
          value = '';
          output.write('\n');
          const next = questions[answers.length];
          if (next === undefined) return finish();
          output.write(next);
        } else if (character === '\u007f' || character === '\b') {
          value = [...value].slice(0, -1).join('');
        } else if (character >= ' ') {
          value += character;
        }
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
    output.write(questions[0] ?? '');
  });
}

async function readPassword(io: AccountCommandIo): Promise<string> {
  const fromEnv = io.env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!io.stdin.isTTY) {
    throw new InvalidArgumentError(
      `set ${PASSWORD_ENV}, run the command in a terminal to type the password, or use --no-password ` +
        "for an account that signs in only with the organisation's account",
    );
  }
  const [password = '', again] = await promptHidden(
    [`Password (at least ${MIN_PASSWORD_LENGTH} characters): `, 'Type the password again: '],
    io.stdin,
    io.stderr,
  );
  if (password !== again) throw new InvalidArgumentError('the two passwords are not the same');
  return password;
}

function describeAccount(account: AccountSummary): string[] {
  const ways = [account.hasPassword ? 'password' : '', account.hasOidc ? "organisation's account" : '']
    .filter((w) => w !== '')
    .join(', ');
  const lines = [
    `${account.accountId}\t${account.email}\t${account.displayName}\t(${ways || 'no way to sign in yet'})` +
      (account.disabled ? '\tDISABLED' : ''),
  ];
  for (const grant of account.grants) {
    const parts = [
      `${ROLE_NAMES[grant.role]} at ${grant.orgName}${grant.orgCode ? ` (${grant.orgCode})` : ''}`,
    ];
    if (grant.partnershipSlug) parts.push(`for partnership ${grant.partnershipSlug}`);
    if (grant.lgslCodes) parts.push(`services ${grant.lgslCodes.join(', ')}`);
    if (grant.revoked) parts.push('revoked');
    lines.push(`\t${parts.join(', ')}`);
  }
  return lines;
}

interface AddOptions {
  email: string;
  name: string;
  role: Role;
  org: string;
  partnership?: string;
  services?: number[];
  password: boolean;
}

export function addAccountCommand(
  program: Command,
  withDatabase: WithDatabase,
  io: AccountCommandIo = defaultIo(),
): Command {
  const account = program.command('account').description('add and list the accounts people sign in with');

  account
    .command('add')
    .description(
      `add an account with one role (the password is read from ${PASSWORD_ENV} or typed at a prompt); ` +
        'an account that already exists is left unchanged',
    )
    .requiredOption('--email <email>', 'email address the person signs in with')
    .requiredOption('--name <name>', 'name shown when they are signed in')
    .addOption(new Option('--role <role>', 'what they may do').choices(ROLES).makeOptionMandatory())
    .requiredOption('--org <org>', 'their organisation, by GSS code (E07000079) or GOV.UK slug (cotswold)')
    .option(
      '--partnership <slug>',
      'for a partnership administrator or finance lead: the partnership, by slug',
    )
    .option('--services <codes>', 'limit the role to these LGSL services, for example 524,530', parseServices)
    .option('--no-password', "no password: they sign in only with their organisation's account")
    .action((options: AddOptions) =>
      withDatabase(async (database, config) => {
        const auth = await createAuthService({ db: database.db, config });
        const org = await auth.findOrganisation(options.org);
        if (!org)
          throw new InvalidArgumentError(`there is no organisation with GSS code or slug "${options.org}"`);
        let partnershipId: number | null = null;
        if (options.partnership !== undefined) {
          const partnership = await auth.findPartnership(options.partnership);
          if (!partnership)
            throw new InvalidArgumentError(`there is no partnership "${options.partnership}"`);
          partnershipId = partnership.partnershipId;
        }
        const password = options.password ? await readPassword(io) : undefined;
        try {
          const result = await auth.createAccount({
            email: options.email,
            displayName: options.name,
            ...(password === undefined ? {} : { password }),
            grants: [
              { orgId: org.orgId, role: options.role, partnershipId, lgslCodes: options.services ?? null },
            ],
          });
          io.print(
            result.created
              ? `Added account ${result.accountId} for ${options.email.trim().toLowerCase()}: ` +
                  `${ROLE_NAMES[options.role]} at ${org.name}.`
              : `An account for ${options.email.trim().toLowerCase()} already exists (account ${result.accountId}); ` +
                  'it was left unchanged.',
          );
        } catch (error) {
          if (error instanceof AccountInputError) throw new InvalidArgumentError(error.message);
          throw error;
        }
      }),
    );

  account
    .command('list')
    .description('list every account with its roles')
    .action(() =>
      withDatabase(async (database, config) => {
        const auth = await createAuthService({ db: database.db, config });
        const accounts = await auth.listAccounts();
        if (accounts.length === 0) {
          io.print('There are no accounts yet. Add one with "jointly account add".');
          return;
        }
        for (const summary of accounts) for (const line of describeAccount(summary)) io.print(line);
      }),
    );

  return account;
}
