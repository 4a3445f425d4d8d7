/**
 * Configuration: every setting Jointly reads from the environment, with its meaning and default.
 * The README's configuration table is checked against this list by a test, so the two stay in step.
 */
import path from 'node:path';

export interface ConfigSetting {
  env: string;
  description: string;
  default: string | undefined;
}

export const CONFIG_SETTINGS = {
  port: { env: 'PORT', description: 'TCP port the web application listens on.', default: '3000' },
  host: {
    env: 'HOST',
    description: 'Address to listen on. Use 0.0.0.0 to accept connections from other machines.',
    default: '127.0.0.1',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    description:
      'PostgreSQL connection string (postgres://user:pass@host:5432/db). When unset, Jointly uses the embedded engine in JOINTLY_DATA_DIR.',
    default: undefined,
  },
  databaseAppUrl: {
    env: 'DATABASE_APP_URL',
    description:
      'PostgreSQL connection string for request work, as the login role jointly_app (postgres://jointly_app:pass@host:5432/db): required by the web application on PostgreSQL. Migrations, imports, the demo loader and sign-in use DATABASE_URL.',
    default: undefined,
  },
  dataDir: {
    env: 'JOINTLY_DATA_DIR',
    description: 'Folder for the embedded database (PGlite). Only one process may use it at a time.',
    default: './data',
  },
  referenceDataDir: {
    env: 'JOINTLY_REFERENCE_DATA',
    description:
      'Folder of public reference data (councils, services, boundaries, postcodes) used to load the demo.',
    default: '../shared/data',
  },
  loadDemo: {
    env: 'JOINTLY_DEMO',
    description:
      'Load the four demo partnerships and demo accounts on first start when the register is empty (true/false).',
    default: 'true',
  },
  sessionSecret: {
    env: 'SESSION_SECRET',
    description:
      'At least 32 characters used to seal session cookies. When unset, a random secret is generated and kept in the database.',
    default: undefined,
  },
  cookieSecure: {
    env: 'COOKIE_SECURE',
    description: 'Mark cookies Secure (send over HTTPS only). Set to true behind HTTPS in production.',
    default: 'false',
  },
  oidcIssuer: {
    env: 'OIDC_ISSUER',
    description: 'OpenID Connect issuer URL for production sign-in. When unset, local accounts are used.',
    default: undefined,
  },
  oidcClientId: { env: 'OIDC_CLIENT_ID', description: 'OpenID Connect client id.', default: undefined },
  oidcClientSecret: {
    env: 'OIDC_CLIENT_SECRET',
    description: 'OpenID Connect client secret.',
    default: undefined,
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    description:
      'The address people use to reach Jointly (for sign-in redirects). Defaults to http://HOST:PORT.',
    default: undefined,
  },
  notifyApiKey: {
    env: 'NOTIFY_API_KEY',
    description:
      'GOV.UK Notify API key. When set, messages to residents are sent through Notify; when unset they stay in the local outbox.',
    default: undefined,
  },
  notifyTemplates: {
    env: 'NOTIFY_TEMPLATES',
    description:
      'JSON object from each message (case_received, case_updated, case_closed, case_referred, case_message) to its Notify template id.',
    default: undefined,
  },
  passwordMemoryKib: {
    env: 'PASSWORD_HASH_MEMORY_KIB',
    description:
      "Memory for each password hash in KiB (argon2id, 3 passes, 4 lanes). Below 19456 (OWASP's least) only when NODE_ENV is test.",
    default: '65536',
  },
  paperScanCommand: {
    env: 'PAPER_SCAN_COMMAND',
    description:
      'Virus scanner for meeting papers, run with the file on standard input (for example clamdscan --no-summary -): exit 0 is clean, 1 infected, anything else a failed scan. When unset, papers are kept as not scanned.',
    default: undefined,
  },
  logLevel: {
    env: 'LOG_LEVEL',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
  },
} as const satisfies Record<string, ConfigSetting>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** The request role's connection (jointly_app) on the same database as `databaseUrl`. */
  databaseAppUrl: string | undefined;
  dataDir: string;
  referenceDataDir: string;
  loadDemo: boolean;
  sessionSecret: string | undefined;
  cookieSecure: boolean;
  oidc: { issuer: string; clientId: string; clientSecret: string | undefined } | undefined;
  publicUrl: string;
  notify: { apiKey: string; templates: Record<string, string> } | undefined;
  passwordMemoryKib: number;
  /** The virus scanner's command and arguments, split on spaces; undefined when none is configured. */
  paperScanCommand: string[] | undefined;
  logLevel: string;
}

export class ConfigError extends Error {}

function readBoolean(name: string, value: string): boolean {
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, not "${value}"`);
}

/** Reads the configuration from an environment, failing with a message that names the setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const get = (key: keyof typeof CONFIG_SETTINGS): string | undefined => {
    const setting: ConfigSetting = CONFIG_SETTINGS[key];
    const value = env[setting.env];
    return value === undefined || value === '' ? setting.default : value;
  };
  const port = Number(get('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${env.PORT}"`);
  }
  const sessionSecret = get('sessionSecret');
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    throw new ConfigError('SESSION_SECRET must be at least 32 characters long');
  }
  const databaseUrl = get('databaseUrl');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const databaseAppUrl = get('databaseAppUrl');
  if (databaseAppUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseAppUrl)) {
      throw new ConfigError('DATABASE_APP_URL must start with postgres:// or postgresql://');
    }
    if (databaseUrl === undefined) throw new ConfigError('DATABASE_APP_URL is used only with DATABASE_URL');
  }
  const issuer = get('oidcIssuer');
  const clientId = get('oidcClientId');
  if (issuer !== undefined && clientId === undefined) {
    throw new ConfigError('OIDC_CLIENT_ID is required when OIDC_ISSUER is set');
  }
  const passwordMemoryKib = readPasswordMemory(get('passwordMemoryKib') ?? '65536', env.NODE_ENV === 'test');
  const host = get('host') ?? '127.0.0.1';
  const notifyApiKey = get('notifyApiKey');
  return {
    port,
    host,
    databaseUrl,
    databaseAppUrl,
    dataDir: path.resolve(cwd, get('dataDir') ?? './data'),
    referenceDataDir: path.resolve(cwd, get('referenceDataDir') ?? '../shared/data'),
    loadDemo: readBoolean('JOINTLY_DEMO', get('loadDemo') ?? 'true'),
    sessionSecret,
    cookieSecure: readBoolean('COOKIE_SECURE', get('cookieSecure') ?? 'false'),
    oidc:
      issuer !== undefined && clientId !== undefined
        ? { issuer, clientId, clientSecret: get('oidcClientSecret') }
        : undefined,
    publicUrl: get('publicUrl') ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    notify:
      notifyApiKey === undefined
        ? undefined
        : { apiKey: notifyApiKey, templates: readTemplates(get('notifyTemplates')) },
    passwordMemoryKib,
    paperScanCommand: readCommand(get('paperScanCommand')),
    logLevel: get('logLevel') ?? 'info',
  };
}

/** A command and its arguments, split on spaces (no shell: nothing is quoted or expanded). */
function readCommand(value: string | undefined): string[] | undefined {
  const words = (value ?? '').trim().split(/\s+/).filter(Boolean);
  return words.length === 0 ? undefined : words;
}

/** OWASP's least memory for argon2id (19 MiB); less is for tests only. */
const LEAST_SAFE_PASSWORD_MEMORY_KIB = 19_456;
/** argon2's own floor with 4 lanes: 8 KiB a lane. */
const LEAST_PASSWORD_MEMORY_KIB = 32;

/** PASSWORD_HASH_MEMORY_KIB: a whole number of KiB, weaker than OWASP's least only in tests. */
function readPasswordMemory(value: string, testing: boolean): number {
  const kib = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  const least = testing ? LEAST_PASSWORD_MEMORY_KIB : LEAST_SAFE_PASSWORD_MEMORY_KIB;
  if (!Number.isInteger(kib) || kib < least || kib > 4_194_304) {
    throw new ConfigError(
      `PASSWORD_HASH_MEMORY_KIB must be a whole number of KiB from ${least} to 4194304, not "${value}"` +
        (testing ? '' : ' (less than 19456 is allowed only in tests, with NODE_ENV=test)'),
    );
  }
  return kib;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readTemplates(value: string | undefined): Record<string, string> {
  if (value === undefined) throw new ConfigError('NOTIFY_TEMPLATES is required when NOTIFY_API_KEY is set');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError(
      'NOTIFY_TEMPLATES must be a JSON object, such as {"case_received": "<template id>"}',
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(
      'NOTIFY_TEMPLATES must be a JSON object, such as {"case_received": "<template id>"}',
    );
  }
  for (const [name, id] of Object.entries(parsed)) {
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new ConfigError(
        `NOTIFY_TEMPLATES: the template id for ${name} must be a Notify template id (a UUID)`,
      );
    }
  }
  return parsed as Record<string, string>;
}
