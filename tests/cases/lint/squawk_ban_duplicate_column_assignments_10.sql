-- case: a view whose two columns are both named ?column? (SELECT 1, 2) fails
-- expect: duplicate-column error line 4
-- runs: fails 42701
CREATE VIEW v AS SELECT 1, 2;
