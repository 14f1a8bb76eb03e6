CREATE TABLE counters (name text PRIMARY KEY, n bigint NOT NULL DEFAULT 0);
CREATE PROCEDURE bump(which text) LANGUAGE sql
BEGIN ATOMIC
    UPDATE counters SET n = n + 1 WHERE name = which;
END;
