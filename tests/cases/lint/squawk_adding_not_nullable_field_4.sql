-- case: PostgreSQL 11 does not use a validated check to skip SET NOT NULL's scan
-- expect: set-not-null warning line 6
-- pg: 11
ALTER TABLE foo ADD CONSTRAINT foo_bar_not_null CHECK (bar IS NOT NULL) NOT VALID;
ALTER TABLE foo VALIDATE CONSTRAINT foo_bar_not_null;
ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;
