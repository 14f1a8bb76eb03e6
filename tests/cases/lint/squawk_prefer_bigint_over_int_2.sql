-- case: an integer column that is no key is not flagged: pgshift keeps the rule to keys
-- expect: prefer-bigint-and-identity none
CREATE TABLE scores (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, points integer);
ALTER TABLE scores ADD COLUMN bonus int;
