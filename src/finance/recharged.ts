/**
 * What a council was recharged over a span of days by issued recharge runs (superseded runs left
 * out, corrections and true-ups counted), with the services of the pools that charged it, for the
 * cost per case a council publishes. Only a council's own total leaves this file, never another
 * council's line or the ledger behind it; the caller reads as the owner (in its transaction).
 */
import { sql } from 'kysely';
import type { Tx } from '../db/index.ts';

export interface Recharged {
  pence: bigint;
  /** Issued runs with a line for the council whose period lies within the span. */
  runs: number;
  /** The services of the pools those runs were for; empty when a pool names none. */
  lgslCodes: number[];
  /** Whether some pool charged names no services (so its cost is for every service). */
  anyPoolForEveryService: boolean;
}

/** The council's issued recharges for runs whose whole period lies from `first` to `last`. */
export async function rechargedIn(tx: Tx, orgId: number, first: string, last: string): Promise<Recharged> {
  const { rows } = await sql<{
    pence: string | null;
    runs: string | number;
    codes: number[] | null;
    every: boolean | null;
  }>`
      WITH charged AS (
        SELECT r.org_id, r.pool_id, l.amount_pence
        FROM recharge_line l
        JOIN recharge_run r ON r.org_id = l.org_id AND r.run_id = l.run_id
        WHERE l.member_org_id = ${orgId}::bigint AND r.state = 'issued'
          AND r.period_first >= ${first}::date AND r.period_last <= ${last}::date
      ), pools AS (
        SELECT DISTINCT p.lgsl_codes FROM charged c
        JOIN cost_pool p ON p.org_id = c.org_id AND p.pool_id = c.pool_id
      )
      SELECT (SELECT sum(amount_pence) FROM charged)::text AS pence,
             (SELECT count(*) FROM charged) AS runs,
             (SELECT array_agg(DISTINCT code) FROM pools, unnest(pools.lgsl_codes) AS code) AS codes,
             (SELECT bool_or(cardinality(lgsl_codes) = 0) FROM pools) AS every`.execute(tx);
  const row = rows[0];
  return {
    pence: BigInt(row?.pence ?? '0'),
    runs: Number(row?.runs ?? 0),
    lgslCodes: [...(row?.codes ?? [])].map(Number).sort((a, b) => a - b),
    anyPoolForEveryService: row?.every === true,
  };
}
