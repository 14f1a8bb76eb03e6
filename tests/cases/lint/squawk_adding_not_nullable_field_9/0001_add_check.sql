-- case: a check added NOT VALID in one migration, validated in the next with SET NOT NULL there: no scan
-- expect: set-not-null none
ALTER TABLE foo ADD COLUMN bar bigint;
ALTER TABLE foo ADD CONSTRAINT bar_not_null CHECK (bar IS NOT NULL) NOT VALID;
