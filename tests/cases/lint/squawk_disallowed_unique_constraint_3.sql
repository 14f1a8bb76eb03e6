-- pgshift:no-transaction
-- case: a unique index built CONCURRENTLY, then adopted as the primary key (and run again: it still works)
-- expect: add-unique-constraint none
-- expect: add-primary-key none
-- expect: concurrently-in-transaction none
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE distributors (id bigint CONSTRAINT distributors_pkey PRIMARY KEY, dist_id bigint NOT NULL);
-- runs: ok twice
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS dist_id_temp_idx ON distributors (dist_id);
ALTER TABLE distributors DROP CONSTRAINT distributors_pkey,
    ADD CONSTRAINT distributors_pkey PRIMARY KEY USING INDEX dist_id_temp_idx;
