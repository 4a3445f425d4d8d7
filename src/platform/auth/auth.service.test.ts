import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../../app/config.ts';
import { testConfig } from '../../../test/support/app.ts';
import { withSystem } from '../../db/context.ts';
import type { Database } from '../../db/engine.ts';
import { openTestDatabase } from '../../../test/support/database.ts';
import { loadFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { addAccountCommand, parseServices, PASSWORD_ENV, type AccountCommandIo } from './account.command.ts';
import { AccountInputError } from './account-input.ts';
import { createAuthService, type AuthService } from './auth.service.ts';
import { keyFromSecret } from './session-key.ts';

const PASSWORD = 'correct horse battery staple';

let database: Database;
let fixture: Fixture;
let config: Config;
let auth: AuthService;

const counts = () =>
  withSystem(database.db, async (tx) => {
    const accounts = await tx
      .selectFrom('account')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const grants = await tx
      .selectFrom('role_grant')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { accounts: Number(accounts.n), grants: Number(grants.n) };
  });

before(async () => {
  database = await openTestDatabase();
  fixture = await loadFixture(database.db);
  config = testConfig();
  auth = await createAuthService({ db: database.db, config });
});

after(async () => {
  await database.close();
});

describe('accounts and password sign-in', () => {
  let officerId: number;

  test('creates an account with its grants, and loads them into the principal', async () => {
    const result = await auth.createAccount({
      email: '  Officer.Cotswold@Example.ORG ',
      displayName: ' Cotswold waste officer ',
      password: PASSWORD,
      grants: [
        { orgId: fixture.org.cotswold, role: 'officer', partnershipId: null, lgslCodes: [530, 524, 530] },
        { orgId: fixture.org.exeter, role: 'agent', partnershipId: null, lgslCodes: [] },
      ],
    });
    assert.equal(result.created, true);
    officerId = result.accountId;
    const principal = await auth.principal(officerId);
    assert.deepEqual(principal, {
      accountId: officerId,
      email: 'officer.cotswold@example.org',
      displayName: 'Cotswold waste officer',
      grants: [
        { orgId: fixture.org.cotswold, role: 'officer', partnershipId: null, lgslCodes: [524, 530] },
        { orgId: fixture.org.exeter, role: 'agent', partnershipId: null, lgslCodes: null },
      ].sort((a, b) => a.orgId - b.orgId),
    });
  });

  test('records each grant in the audit log of its organisation', async () => {
    const rows = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['org_id', 'action', 'entity_type', 'entity_key'])
        .where('entity_type', '=', 'role_grant')
        .execute(),
    );
    assert.deepEqual(rows.map((r) => r.org_id).sort(), [fixture.org.cotswold, fixture.org.exeter].sort());
    assert.ok(rows.every((r) => r.action === 'grant' && r.entity_key.startsWith(`${officerId}:`)));
  });

  test('a partnership administrator grant keeps its partnership', async () => {
    const { accountId } = await auth.createAccount({
      email: 'admin.devon@example.org',
      displayName: 'Devon administrator',
      password: PASSWORD,
      grants: [
        {
          orgId: fixture.org.devon,
          role: 'partnership_admin',
          partnershipId: fixture.partnershipId,
          lgslCodes: null,
        },
      ],
    });
    const principal = await auth.principal(accountId);
    assert.deepEqual(principal?.grants, [
      {
        orgId: fixture.org.devon,
        role: 'partnership_admin',
        partnershipId: fixture.partnershipId,
        lgslCodes: null,
      },
    ]);
  });

  test('creating an account again with the same email leaves it unchanged', async () => {
    const before = await counts();
    const again = await auth.createAccount({
      email: 'OFFICER.COTSWOLD@example.org',
      displayName: 'Someone else',
      password: 'a different password entirely',
      grants: [{ orgId: fixture.org.devon, role: 'councillor', partnershipId: null, lgslCodes: null }],
    });
    assert.deepEqual(again, { accountId: officerId, created: false });
    assert.deepEqual(await counts(), before);
    const principal = await auth.signInWithPassword('officer.cotswold@example.org', PASSWORD);
    assert.equal(principal?.displayName, 'Cotswold waste officer');
    assert.equal(
      await auth.signInWithPassword('officer.cotswold@example.org', 'a different password entirely'),
      null,
    );
  });

  test("makes a password hash again at sign-in when its settings are not today's", async () => {
    const hashOf = async () =>
      (
        await database.db
          .selectFrom('account')
          .select('password_hash')
          .where('account_id', '=', officerId)
          .executeTakeFirstOrThrow()
      ).password_hash!;
    assert.match(await hashOf(), /^\$argon2id\$v=19\$m=64,p=4,t=3\$/);
    // The same database, read by a service configured for twice the memory.
    const stronger = await createAuthService({
      db: database.db,
      config: testConfig({ PASSWORD_HASH_MEMORY_KIB: '128' }),
    });
    assert.ok(await stronger.signInWithPassword('officer.cotswold@example.org', PASSWORD));
    assert.match(await hashOf(), /^\$argon2id\$v=19\$m=128,p=4,t=3\$/);
    // The hash made again still holds the same password, for either service.
    assert.ok(await auth.signInWithPassword('officer.cotswold@example.org', PASSWORD));
    assert.equal(await stronger.signInWithPassword('officer.cotswold@example.org', `${PASSWORD}?`), null);
  });

  test('signs in with the right password, whatever the case and spaces of the email', async () => {
    const principal = await auth.signInWithPassword(' Officer.Cotswold@example.org', PASSWORD);
    assert.equal(principal?.accountId, officerId);
    assert.equal(principal?.grants.length, 2);
  });

  test('a wrong password, an unknown email or an empty password gives null', async () => {
    assert.equal(await auth.signInWithPassword('officer.cotswold@example.org', `${PASSWORD}!`), null);
    assert.equal(await auth.signInWithPassword('nobody@example.org', PASSWORD), null);
    assert.equal(await auth.signInWithPassword('not an email', PASSWORD), null);
    assert.equal(await auth.signInWithPassword('officer.cotswold@example.org', ''), null);
  });

  test('an account without a password cannot sign in with one', async () => {
    const { accountId } = await auth.createAccount({
      email: 'sso.only@example.org',
      displayName: 'Single sign-on only',
      grants: [{ orgId: fixture.org.exeter, role: 'councillor', partnershipId: null, lgslCodes: null }],
    });
    assert.ok(await auth.principal(accountId));
    assert.equal(await auth.signInWithPassword('sso.only@example.org', ''), null);
    assert.equal(await auth.signInWithPassword('sso.only@example.org', PASSWORD), null);
  });

  test('a disabled account cannot sign in and has no principal', async () => {
    const { accountId } = await auth.createAccount({
      email: 'leaver@example.org',
      displayName: 'Leaver',
      password: PASSWORD,
      grants: [{ orgId: fixture.org.exeter, role: 'officer', partnershipId: null, lgslCodes: null }],
    });
    assert.ok(await auth.signInWithPassword('leaver@example.org', PASSWORD));
    await withSystem(database.db, (tx) =>
      tx
        .updateTable('account')
        .set({ disabled_at: new Date() })
        .where('account_id', '=', accountId)
        .execute(),
    );
    assert.equal(await auth.signInWithPassword('leaver@example.org', PASSWORD), null);
    assert.equal(await auth.principal(accountId), null);
  });

  test('revoked grants are not loaded', async () => {
    const { accountId } = await auth.createAccount({
      email: 'two.roles@example.org',
      displayName: 'Two roles',
      password: PASSWORD,
      grants: [
        { orgId: fixture.org.exeter, role: 'officer', partnershipId: null, lgslCodes: null },
        { orgId: fixture.org.teignbridge, role: 'councillor', partnershipId: null, lgslCodes: null },
      ],
    });
    await withSystem(database.db, (tx) =>
      tx
        .updateTable('role_grant')
        .set({ revoked_at: new Date() })
        .where('account_id', '=', accountId)
        .where('org_id', '=', fixture.org.exeter)
        .execute(),
    );
    const principal = await auth.principal(accountId);
    assert.deepEqual(principal?.grants, [
      { orgId: fixture.org.teignbridge, role: 'councillor', partnershipId: null, lgslCodes: null },
    ]);
  });

  test('principal of an account that does not exist is null', async () => {
    assert.equal(await auth.principal(999_999), null);
    assert.equal(await auth.principal(-1), null);
  });
});

describe('invalid accounts are refused with nothing written', () => {
  const valid = () => ({
    email: 'new.person@example.org',
    displayName: 'New person',
    password: PASSWORD,
    grants: [{ orgId: fixture.org.exeter, role: 'officer' as const, partnershipId: null, lgslCodes: null }],
  });

  const cases: Array<[string, () => Parameters<AuthService['createAccount']>[0], RegExp]> = [
    ['an invalid email', () => ({ ...valid(), email: 'new.person@' }), /not a valid email address/],
    ['an empty email', () => ({ ...valid(), email: '  ' }), /Enter an email address/],
    ['an empty name', () => ({ ...valid(), displayName: ' ' }), /Enter a name/],
    ['a short password', () => ({ ...valid(), password: 'short pass' }), /at least 12 characters/],
    [
      'an unknown role',
      () => ({ ...valid(), grants: [{ ...valid().grants[0]!, role: 'mayor' as never }] }),
      /role must be one of/,
    ],
    [
      'a partnership administrator without a partnership',
      () => ({ ...valid(), grants: [{ ...valid().grants[0]!, role: 'partnership_admin' as const }] }),
      /partnership administrator needs a partnership/,
    ],
    [
      'a partnership on another role',
      () => ({ ...valid(), grants: [{ ...valid().grants[0]!, partnershipId: fixture.partnershipId }] }),
      /only a partnership administrator/,
    ],
    [
      'an organisation that does not exist',
      () => ({ ...valid(), grants: [{ ...valid().grants[0]!, orgId: 987_654 }] }),
      /no organisation 987654/,
    ],
    [
      'a partnership that does not exist',
      () => ({
        ...valid(),
        grants: [
          {
            orgId: fixture.org.devon,
            role: 'partnership_admin' as const,
            partnershipId: 987_654,
            lgslCodes: null,
          },
        ],
      }),
      /no partnership 987654/,
    ],
    [
      'an administrator whose organisation is not in the partnership',
      () => ({
        ...valid(),
        grants: [
          {
            orgId: fixture.org.cotswold,
            role: 'partnership_admin' as const,
            partnershipId: fixture.partnershipId,
            lgslCodes: null,
          },
        ],
      }),
      /not a member of the partnership/,
    ],
    [
      'a service that does not exist',
      () => ({ ...valid(), grants: [{ ...valid().grants[0]!, lgslCodes: [524, 99999] }] }),
      /no service with LGSL code 99999/,
    ],
    [
      'one bad grant among good ones',
      () => ({ ...valid(), grants: [valid().grants[0]!, { ...valid().grants[0]!, orgId: 987_654 }] }),
      /Grant 2: there is no organisation/,
    ],
  ];

  for (const [name, input, message] of cases) {
    test(name, async () => {
      const before = await counts();
      await assert.rejects(auth.createAccount(input()), (error: unknown) => {
        assert.ok(error instanceof AccountInputError);
        assert.match(error.message, message);
        return true;
      });
      assert.deepEqual(await counts(), before);
    });
  }
});

describe('signing in through the identity provider', () => {
  test('links an account by verified email the first time, then by subject', async () => {
    const { accountId } = await auth.createAccount({
      email: 'linked@example.org',
      displayName: 'Linked person',
      grants: [{ orgId: fixture.org.teignbridge, role: 'officer', partnershipId: null, lgslCodes: null }],
    });
    const first = await auth.signInWithOidc({
      sub: 'idp-123',
      email: 'Linked@Example.org',
      emailVerified: true,
    });
    assert.equal(first?.accountId, accountId);
    const again = await auth.signInWithOidc({
      sub: 'idp-123',
      email: 'changed@example.org',
      emailVerified: false,
    });
    assert.equal(again?.accountId, accountId);
    // The link is made once: another subject with the same email does not take the account over.
    assert.equal(
      await auth.signInWithOidc({ sub: 'idp-456', email: 'linked@example.org', emailVerified: true }),
      null,
    );
  });

  test('does not link by an email the provider has not verified', async () => {
    await auth.createAccount({
      email: 'unverified@example.org',
      displayName: 'Unverified',
      grants: [],
    });
    assert.equal(await auth.signInWithOidc({ sub: 'idp-789', email: 'unverified@example.org' }), null);
    assert.equal(
      await auth.signInWithOidc({ sub: 'idp-789', email: 'unverified@example.org', emailVerified: false }),
      null,
    );
  });

  test('gives null for someone without an account, and for a disabled account', async () => {
    assert.equal(
      await auth.signInWithOidc({ sub: 'stranger', email: 'stranger@example.org', emailVerified: true }),
      null,
    );
    const { accountId } = await auth.createAccount({
      email: 'gone@example.org',
      displayName: 'Gone',
      grants: [],
    });
    assert.ok(await auth.signInWithOidc({ sub: 'idp-gone', email: 'gone@example.org', emailVerified: true }));
    await withSystem(database.db, (tx) =>
      tx
        .updateTable('account')
        .set({ disabled_at: new Date() })
        .where('account_id', '=', accountId)
        .execute(),
    );
    assert.equal(await auth.signInWithOidc({ sub: 'idp-gone' }), null);
  });

  test('is not offered when no provider is configured', () => {
    assert.equal(auth.oidc, undefined);
  });
});

describe('session key', () => {
  test('is 32 bytes, kept in the database and the same for every service on that database', async () => {
    const key = auth.sessionKey();
    assert.equal(key.length, 32);
    const other = await createAuthService({ db: database.db, config });
    assert.deepEqual(other.sessionKey(), key);
    const stored = await withSystem(database.db, (tx) =>
      tx.selectFrom('app_secret').select('value').where('name', '=', 'session_key').executeTakeFirstOrThrow(),
    );
    assert.deepEqual(Buffer.from(stored.value, 'base64'), key);
  });

  test('comes from SESSION_SECRET when it is set', async () => {
    const exact = 'x'.repeat(32);
    const fromExact = await createAuthService({
      db: database.db,
      config: { ...config, sessionSecret: exact },
    });
    assert.deepEqual(fromExact.sessionKey(), Buffer.from(exact));
    const long = 'a much longer session secret that is not thirty-two bytes';
    const fromLong = await createAuthService({ db: database.db, config: { ...config, sessionSecret: long } });
    assert.equal(fromLong.sessionKey().length, 32);
    assert.deepEqual(fromLong.sessionKey(), keyFromSecret(long));
    assert.notDeepEqual(fromLong.sessionKey(), auth.sessionKey());
  });
});

describe('jointly account', () => {
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> => {
    const lines: string[] = [];
    const io: AccountCommandIo = {
      env,
      stdin: { isTTY: false } as NodeJS.ReadStream,
      stderr: process.stderr,
      print: (line) => lines.push(line),
    };
    const program = new Command('jointly')
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: () => {} });
    addAccountCommand(program, (work) => work(database, config), io);
    await program.parseAsync(args, { from: 'user' });
    return lines;
  };

  test('add creates an account from the command line, with the password from the environment', async () => {
    const lines = await run(
      [
        'account',
        'add',
        '--email',
        'CLI.Officer@example.org',
        '--name',
        'CLI officer',
        '--role',
        'officer',
        '--org',
        'E07000079',
        '--services',
        '524,530',
      ],
      { [PASSWORD_ENV]: PASSWORD },
    );
    assert.match(
      lines[0] ?? '',
      /^Added account \d+ for cli\.officer@example\.org: officer at Cotswold District Council\.$/,
    );
    const principal = await auth.signInWithPassword('cli.officer@example.org', PASSWORD);
    assert.deepEqual(principal?.grants, [
      { orgId: fixture.org.cotswold, role: 'officer', partnershipId: null, lgslCodes: [524, 530] },
    ]);
    const again = await run(
      [
        'account',
        'add',
        '--email',
        'cli.officer@example.org',
        '--name',
        'CLI officer',
        '--role',
        'officer',
        '--org',
        'cotswold',
      ],
      { [PASSWORD_ENV]: PASSWORD },
    );
    assert.match(again[0] ?? '', /already exists .* left unchanged/);
  });

  test('add makes a partnership administrator by slugs, or an account without a password', async () => {
    await run([
      'account',
      'add',
      '--email',
      'cli.admin@example.org',
      '--name',
      'CLI admin',
      '--role',
      'partnership_admin',
      '--org',
      'devon',
      '--partnership',
      'test-devon',
      '--no-password',
    ]);
    const listed = (await run(['account', 'list'])).join('\n');
    assert.match(listed, /cli\.admin@example\.org\tCLI admin\t\(no way to sign in yet\)/);
    assert.match(
      listed,
      /partnership administrator at Devon County Council \(devon\), for partnership test-devon/,
    );
    assert.match(listed, /officer at Cotswold District Council \(cotswold\), services 524, 530/);
    assert.match(listed, /leaver@example\.org.*DISABLED/);
  });

  test('add refuses bad input with a clear message', async () => {
    const refuses = (args: string[], env: NodeJS.ProcessEnv, message: RegExp) =>
      assert.rejects(
        run(['account', 'add', '--email', 'x@example.org', '--name', 'X', ...args], env),
        (error: unknown) => {
          assert.ok(error instanceof InvalidArgumentError, String(error));
          assert.match(error.message, message);
          return true;
        },
      );
    const env = { [PASSWORD_ENV]: PASSWORD };
    await refuses(
      ['--role', 'officer', '--org', 'nowhere'],
      env,
      /no organisation with GSS code or slug "nowhere"/,
    );
    await refuses(
      ['--role', 'partnership_admin', '--org', 'devon', '--partnership', 'nope'],
      env,
      /no partnership "nope"/,
    );
    await refuses(['--role', 'partnership_admin', '--org', 'devon'], env, /needs a partnership/);
    await refuses(
      ['--role', 'officer', '--org', 'exeter'],
      { [PASSWORD_ENV]: 'too short' },
      /at least 12 characters/,
    );
    await refuses(['--role', 'officer', '--org', 'exeter'], {}, new RegExp(`set ${PASSWORD_ENV}`));
    await assert.rejects(
      run([
        'account',
        'add',
        '--email',
        'x@example.org',
        '--name',
        'X',
        '--role',
        'mayor',
        '--org',
        'exeter',
      ]),
    );
    const listed = (await run(['account', 'list'])).join('\n');
    assert.doesNotMatch(listed, /x@example\.org/);
  });

  test('--services takes LGSL codes separated by commas', () => {
    assert.deepEqual(parseServices('524, 530,'), [524, 530]);
    assert.throws(() => parseServices('waste'), InvalidArgumentError);
    assert.throws(() => parseServices(''), InvalidArgumentError);
  });
});
