CREATE TABLE items (id integer, qty integer);
CREATE TABLE item_log (n bigint);
CREATE FUNCTION log_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_log SELECT count(*) FROM new_rows;
    RETURN NULL;
END
$$;
