import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CONFIG_SETTINGS, ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults for the embedded demo', () => {
    const config = loadConfig({}, '/srv/jointly');
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, '/srv/jointly/data');
    assert.equal(config.referenceDataDir, '/srv/shared/data');
    assert.equal(config.loadDemo, true);
    assert.equal(config.oidc, undefined);
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://u:p@db:5432/jointly',
        DATABASE_APP_URL: 'postgres://jointly_app:q@db:5432/jointly',
        JOINTLY_DEMO: 'false',
        SESSION_SECRET: 'x'.repeat(32),
        COOKIE_SECURE: 'true',
        OIDC_ISSUER: 'https://login.example.org',
        OIDC_CLIENT_ID: 'jointly',
      },
      '/srv',
    );
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, 'postgres://u:p@db:5432/jointly');
    assert.equal(config.databaseAppUrl, 'postgres://jointly_app:q@db:5432/jointly');
    assert.equal(config.loadDemo, false);
    assert.equal(config.cookieSecure, true);
    assert.deepEqual(config.oidc, {
      issuer: 'https://login.example.org',
      clientId: 'jointly',
      clientSecret: undefined,
    });
    assert.equal(config.publicUrl, 'http://localhost:8080');
  });

  for (const [env, value, message] of [
    ['PORT', 'eighty', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be a whole number/],
    ['SESSION_SECRET', 'short', /at least 32 characters/],
    ['DATABASE_URL', 'mysql://x', /must start with postgres/],
    ['DATABASE_APP_URL', 'mysql://x', /DATABASE_APP_URL must start with postgres/],
    ['DATABASE_APP_URL', 'postgres://jointly_app:q@db/jointly', /used only with DATABASE_URL/],
    ['JOINTLY_DEMO', 'maybe', /JOINTLY_DEMO must be true or false/],
    ['OIDC_ISSUER', 'https://login.example.org', /OIDC_CLIENT_ID is required/],
    ['NOTIFY_API_KEY', 'test-key', /NOTIFY_TEMPLATES is required/],
  ] as const) {
    it(`refuses ${env}=${value} with a message naming the setting`, () => {
      assert.throws(
        () => loadConfig({ [env]: value }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('reads the Notify templates, and refuses ones that are not a map of template ids', () => {
    const id = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
    const config = loadConfig({
      NOTIFY_API_KEY: 'k',
      NOTIFY_TEMPLATES: JSON.stringify({ case_received: id }),
    });
    assert.deepEqual(config.notify, { apiKey: 'k', templates: { case_received: id } });
    assert.equal(loadConfig({}).notify, undefined);
    for (const [templates, message] of [
      ['not json', /must be a JSON object/],
      ['[1]', /must be a JSON object/],
      ['{"case_received": "template-1"}', /case_received must be a Notify template id/],
    ] as const) {
      assert.throws(() => loadConfig({ NOTIFY_API_KEY: 'k', NOTIFY_TEMPLATES: templates }), message);
    }
  });

  it("reads the password hash memory, and refuses less than OWASP's least outside tests", () => {
    assert.equal(loadConfig({}).passwordMemoryKib, 65_536);
    assert.equal(loadConfig({ PASSWORD_HASH_MEMORY_KIB: '19456' }).passwordMemoryKib, 19_456);
    assert.equal(loadConfig({ PASSWORD_HASH_MEMORY_KIB: '64', NODE_ENV: 'test' }).passwordMemoryKib, 64);
    for (const [env, message] of [
      [{ PASSWORD_HASH_MEMORY_KIB: '64' }, /from 19456 .* only in tests/],
      [{ PASSWORD_HASH_MEMORY_KIB: '64', NODE_ENV: 'production' }, /from 19456/],
      [{ PASSWORD_HASH_MEMORY_KIB: '16', NODE_ENV: 'test' }, /from 32 to 4194304/],
      [{ PASSWORD_HASH_MEMORY_KIB: '64 MiB' }, /whole number of KiB/],
      [{ PASSWORD_HASH_MEMORY_KIB: '1e5' }, /whole number of KiB/],
      [{ PASSWORD_HASH_MEMORY_KIB: '99999999' }, /to 4194304/],
    ] as const) {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    }
  });

  it('documents every setting in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const setting of Object.values(CONFIG_SETTINGS)) {
      assert.ok(readme.includes(`| \`${setting.env}\``), `README does not describe ${setting.env}`);
    }
  });
});
