-- case: a table, column and index name over 63 bytes is cut
-- expect: naming-and-identifiers info line 5
-- expect: naming-and-identifiers info line 6
-- expect: naming-and-identifiers info line 7
CREATE TABLE table_very_long_very_long_very_long_very_long_very_long_very_long (column_very_long_very_long_very_long_very_long_very_long_very_long bigint);
CREATE INDEX index_very_long_very_long_very_long_very_long_very_long_very_long ON table_very_long_very_long_very_long_very_long_very_long_very_long (column_very_long_very_long_very_long_very_long_very_long_very_long);
ALTER TABLE t ADD COLUMN column_very_long_very_long_very_long_very_long_very_long_very_long bigint;
