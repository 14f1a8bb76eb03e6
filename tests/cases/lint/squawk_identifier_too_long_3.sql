-- case: exactly 63 bytes is not cut
-- expect: naming-and-identifiers none
-- runs: ok
CREATE TABLE table_very_long_very_long_very_long_very_long_very_long_very_lo (id bigint);
