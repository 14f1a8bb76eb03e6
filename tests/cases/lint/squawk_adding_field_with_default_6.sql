-- case: now(), current_timestamp, now() - interval, casts and literals are not volatile
-- expect: add-column-volatile-default none
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "core_recipe" ADD COLUMN "created" timestamptz DEFAULT now();
ALTER TABLE core_recipe ADD COLUMN seen timestamptz DEFAULT current_timestamp;
ALTER TABLE core_recipe ADD COLUMN stale timestamptz NOT NULL DEFAULT now() - interval '100 years';
ALTER TABLE core_recipe ADD COLUMN weights double precision[] DEFAULT array[]::double precision[];
ALTER TABLE core_recipe ADD COLUMN doc jsonb DEFAULT '{}'::jsonb;
ALTER TABLE core_recipe ADD COLUMN four integer DEFAULT 2 + 2;
