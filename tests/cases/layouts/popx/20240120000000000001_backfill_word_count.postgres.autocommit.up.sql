-- Backfill in batches of 1,000 rows, committing after each batch so that
-- no row lock is held for long. COMMIT inside DO only works outside a transaction.
DO $$
DECLARE
    batch_start bigint := 0;
    last_id bigint;
BEGIN
    SELECT coalesce(max(id), 0) INTO last_id FROM posts;
    WHILE batch_start <= last_id LOOP
        UPDATE posts
           SET word_count = coalesce(array_length(regexp_split_to_array(trim(body), '\s+'), 1), 0)
         WHERE id > batch_start AND id <= batch_start + 1000 AND word_count IS NULL;
        COMMIT;
        batch_start := batch_start + 1000;
    END LOOP;
END
$$;
