import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { openTestDatabase } from '../../../test/support/database.ts';
import { loadFixture, type Fixture } from '../../../test/support/fixtures.ts';
import type { Database } from '../../db/engine.ts';
import type { Config } from '../../app/config.ts';
import { ApiKeyError, createApiKey, revokeApiKey, verifyApiKey } from './api-keys.ts';
import { addOpen311Command } from './open311.command.ts';

describe('Open311 API keys', () => {
  let database: Database;
  let f: Fixture;
  before(async () => {
    database = await openTestDatabase();
    f = await loadFixture(database.db);
  });
  after(() => database.close());

  it('makes a key for a council by its GOV.UK slug, keeps only its hash, and knows it again', async () => {
    const made = await createApiKey(database.db, { jurisdiction: 'Exeter', name: 'FixMyStreet' });
    assert.match(made.key, /^jly_[A-Za-z0-9_-]{40}$/);
    assert.equal(made.orgId, f.org.exeter);
    assert.equal(made.jurisdiction, 'exeter');
    const stored = await database.db
      .selectFrom('api_key')
      .selectAll()
      .where('key_id', '=', made.keyId)
      .execute();
    assert.equal(stored.length, 1);
    assert.ok(!JSON.stringify(stored).includes(made.key.slice(4)), 'the key itself is not stored');
    assert.deepEqual(await verifyApiKey(database.db, made.key), {
      orgId: f.org.exeter,
      keyId: made.keyId,
      name: 'FixMyStreet',
      jurisdiction: 'exeter',
    });
  });

  it('knows nothing of a wrong, malformed, missing or revoked key', async () => {
    const made = await createApiKey(database.db, { jurisdiction: 'devon', name: 'Report-it app' });
    const wrongEnd = made.key.slice(0, -1) + (made.key.endsWith('A') ? 'B' : 'A');
    assert.equal(await verifyApiKey(database.db, wrongEnd), undefined);
    assert.equal(await verifyApiKey(database.db, 'jly_short'), undefined);
    assert.equal(await verifyApiKey(database.db, ''), undefined);
    assert.equal(await verifyApiKey(database.db, undefined), undefined);
    assert.equal(await revokeApiKey(database.db, made.orgId, made.keyId), true);
    assert.equal(await verifyApiKey(database.db, made.key), undefined);
    assert.equal(await revokeApiKey(database.db, made.orgId, made.keyId), false, 'revoked once only');
  });

  it('refuses an unknown jurisdiction or an empty name, and makes nothing', async () => {
    const before = (await database.db.selectFrom('api_key').select('key_id').execute()).length;
    await assert.rejects(createApiKey(database.db, { jurisdiction: 'atlantis', name: 'x' }), ApiKeyError);
    await assert.rejects(createApiKey(database.db, { jurisdiction: 'exeter', name: '  ' }), ApiKeyError);
    assert.equal((await database.db.selectFrom('api_key').select('key_id').execute()).length, before);
  });

  it('`jointly open311 key --jurisdiction <slug>` prints a working key on its last line', async () => {
    const printed: string[] = [];
    const program = new Command().exitOverride();
    const withDatabase = async (work: (d: Database, c: Config) => Promise<void>) =>
      work(database, {} as Config);
    addOpen311Command(program, withDatabase, (line) => printed.push(line));
    await program.parseAsync(['open311', 'key', '--jurisdiction', 'cotswold', '--name', 'Kiosk'], {
      from: 'user',
    });
    const client = await verifyApiKey(database.db, printed.at(-1));
    assert.equal(client?.orgId, f.org.cotswold);
    assert.match(printed[0]!, /jurisdiction_id cotswold/);
  });
});
