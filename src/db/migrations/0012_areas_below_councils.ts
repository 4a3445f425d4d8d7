/**
 * Areas below or across councils: market towns, localities, parishes and wards, and a
 * partnership's own areas, defined by the postcodes in them. `area_postcode` lists an area's
 * postcode units ('EX16 6AB'), sectors ('EX16 6') and districts ('EX16'); a postcode is in the area
 * when any of its unit, sector or district is listed. Parishes and wards whose codes the postcode
 * directory carries (ONSPD `parish`, `osward`) are found by those codes.
 *
 * Reference data, like the rest of the geography: no org_id; request work reads it.
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
ALTER TABLE area DROP CONSTRAINT area_kind_check;
ALTER TABLE area ADD CONSTRAINT area_kind_check CHECK (kind IN ('country', 'region', 'county', 'district',
  'unitary', 'metropolitan_district', 'london_borough', 'parish', 'ward', 'cluster', 'locality', 'market_town'));

CREATE TABLE area_postcode (
  area_code text NOT NULL REFERENCES area (code),
  prefix text NOT NULL CHECK (prefix ~ '^[A-Z]{1,2}[0-9][0-9A-Z]?( [0-9]([A-Z]{2})?)?$'),
  PRIMARY KEY (area_code, prefix)
);
CREATE INDEX area_postcode_prefix_idx ON area_postcode (prefix);
GRANT SELECT ON area_postcode TO jointly_app;
`,
    )
    .execute(db);
}
