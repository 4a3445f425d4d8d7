/**
 * Sessions kept on the server, and API tokens for clients of the JSON API.
 *
 * - `account_session`: one row per sign-in. The sealed cookie carries only a random session secret;
 *   the row keeps its SHA-256, so signing out or an administrator ending the session stops the
 *   cookie working on its next request, wherever it was copied to.
 * - `api_token`: bearer tokens for `/api/v1`, each belonging to one account (a person's, or the
 *   account of a system) and acting with that account's grants. Only the SHA-256 of the token is kept.
 *
 * Like `account`, both are read and written only by the sign-in code through the owner connection,
 * never from request context: no grant to `jointly_app`.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE TABLE account_session (
  session_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES account (account_id),
  secret_hash text NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  ended_by bigint REFERENCES account (account_id),
  end_reason text CHECK (end_reason IN ('signed_out', 'ended_by_administrator')),
  ip_address text CHECK (length(ip_address) <= 100),
  user_agent text CHECK (length(user_agent) <= 500),
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE INDEX account_session_live_idx ON account_session (account_id, created_at) WHERE ended_at IS NULL;

CREATE TABLE api_token (
  token_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES account (account_id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  token_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint REFERENCES account (account_id),
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by bigint REFERENCES account (account_id)
);
CREATE INDEX api_token_account_idx ON api_token (account_id);
`,
    )
    .execute(db);
}
