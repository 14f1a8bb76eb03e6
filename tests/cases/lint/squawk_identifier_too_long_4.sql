-- case: a long name in DROP TABLE is cut the same way as when the table was made: it finds it
-- expect: naming-and-identifiers info line 5
-- live: CREATE TABLE table_very_long_very_long_very_long_very_long_very_long_very_long (id bigint);
-- runs: ok
DROP TABLE table_very_long_very_long_very_long_very_long_very_long_very_long;
