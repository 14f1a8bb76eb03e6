CREATE TABLE keep (id integer);
CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY, what text NOT NULL);
CREATE FUNCTION audit_count() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM audit;
END;
