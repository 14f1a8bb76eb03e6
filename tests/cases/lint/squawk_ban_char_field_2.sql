-- case: char[] and an added char column are char too; varchar and text are not
-- expect: prefer-text-over-varchar-char info line 4
-- expect: prefer-text-over-varchar-char info line 5
CREATE TABLE t (id bigint, a char[], b varchar, c text);
ALTER TABLE t ADD COLUMN d char;
