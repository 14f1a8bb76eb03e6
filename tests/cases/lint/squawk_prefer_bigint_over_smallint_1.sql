-- case: a smallint key runs out at 32,767
-- expect: prefer-bigint-and-identity info line 4
-- expect: prefer-bigint-and-identity info line 5
CREATE TABLE users (id smallint);
CREATE TABLE tags (id int2);
