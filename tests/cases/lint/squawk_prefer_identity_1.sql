-- case: serial types of every width: prefer an identity
-- expect: prefer-bigint-and-identity info line 9
-- expect: prefer-bigint-and-identity info line 10
-- expect: prefer-bigint-and-identity info line 11
-- expect: prefer-bigint-and-identity info line 12
-- expect: prefer-bigint-and-identity info line 13
-- expect: prefer-bigint-and-identity info line 14
-- expect: prefer-bigint-and-identity info line 15
CREATE TABLE a1 (id serial);
CREATE TABLE a2 (id serial2);
CREATE TABLE a3 (id serial4);
CREATE TABLE a4 (id serial8);
CREATE TABLE a5 (id smallserial);
CREATE TABLE a6 (id bigserial);
CREATE TABLE a7 (id BIGSERIAL);
