import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../../app/config.ts';
import { testConfig } from '../../../test/support/app.ts';
import type { Database } from '../../db/engine.ts';
import { openTestDatabase } from '../../../test/support/database.ts';
import { loadFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { addAccessCommands, parseId } from './access.command.ts';
import { createAuthService, type AuthService } from './auth.service.ts';

let database: Database;
let fixture: Fixture;
let config: Config;
let auth: AuthService;

before(async () => {
  database = await openTestDatabase();
  fixture = await loadFixture(database.db);
  config = testConfig();
  auth = await createAuthService({ db: database.db, config });
  await auth.createAccount({
    email: 'ledger.system@example.org',
    displayName: 'Finance ledger (system)',
    grants: [{ orgId: fixture.org.exeter, role: 'officer', partnershipId: null, lgslCodes: [524] }],
  });
});
after(() => database.close());

const run = async (...args: string[]): Promise<string[]> => {
  const lines: string[] = [];
  const program = new Command('jointly')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  addAccessCommands(
    program,
    (work) => work(database, config),
    (line) => lines.push(line),
  );
  await program.parseAsync(args, { from: 'user' });
  return lines;
};

describe('jointly token', () => {
  test('add prints a token on its last line that acts as the account; list never shows it; revoke stops it', async () => {
    const added = await run(
      'token',
      'add',
      '--email',
      'Ledger.System@example.org',
      '--name',
      'Ledger import',
    );
    const token = added.at(-1)!;
    assert.match(token, /^jtk_[A-Za-z0-9_-]{43}$/);
    assert.match(added[0]!, /^API token (\d+) "Ledger import" for ledger\.system@example\.org/);
    const found = await auth.tokenPrincipal(token);
    assert.equal(found?.principal.email, 'ledger.system@example.org');
    assert.deepEqual(found?.principal.grants, [
      { orgId: fixture.org.exeter, role: 'officer', partnershipId: null, lgslCodes: [524] },
    ]);

    const listed = await run('token', 'list');
    assert.equal(listed.length, 1);
    assert.match(listed[0]!, /ledger\.system@example\.org\tLedger import\tjtk_\S{8}…\t.*\tin use$/);
    assert.doesNotMatch(listed.join('\n'), new RegExp(token.slice(12)));

    const id = /^API token (\d+)/.exec(added[0]!)![1]!;
    assert.deepEqual(await run('token', 'revoke', id), [
      `Revoked API token ${id}: it is refused from now on.`,
    ]);
    assert.equal(await auth.tokenPrincipal(token), null);
    assert.match((await run('token', 'list'))[0]!, /\tREVOKED /);
    await assert.rejects(run('token', 'revoke', id), /there is no API token \d+ still in use/);
  });

  test('add refuses an unknown account or an empty name, and makes nothing', async () => {
    await assert.rejects(
      run('token', 'add', '--email', 'nobody@example.org', '--name', 'X'),
      InvalidArgumentError,
    );
    await assert.rejects(
      run('token', 'add', '--email', 'ledger.system@example.org', '--name', ' '),
      /a name of 1 to 200/,
    );
    assert.equal((await auth.listTokens()).length, 1);
  });

  test('ids must be numbers', () => {
    assert.equal(parseId('12'), 12);
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999', '']) {
      assert.throws(() => parseId(bad), InvalidArgumentError, bad);
    }
  });
});

describe('jointly session', () => {
  test('list shows live sessions; end signs one out', async () => {
    assert.deepEqual(await run('session', 'list'), ['Nobody is signed in.']);
    const account = (await auth.listAccounts()).find((a) => a.email === 'ledger.system@example.org')!;
    const secret = await auth.startSession(account.accountId, 3600_000, {
      ipAddress: '192.0.2.5',
      userAgent: 'Test browser',
    });
    const listed = await run('session', 'list');
    assert.equal(listed.length, 1);
    assert.match(listed[0]!, /^\d+\tledger\.system@example\.org\tsigned in .*\t192\.0\.2\.5\tTest browser$/);
    const id = listed[0]!.split('\t')[0]!;
    assert.ok(await auth.sessionPrincipal(secret));
    assert.deepEqual(await run('session', 'end', id), [
      `Ended session ${id}: it is signed out on its next request.`,
    ]);
    assert.equal(await auth.sessionPrincipal(secret), null);
    await assert.rejects(run('session', 'end', id), /there is no session \d+ that is signed in/);
    assert.deepEqual(await run('session', 'list'), ['Nobody is signed in.']);
  });
});
