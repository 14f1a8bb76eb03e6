CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE TABLE a.items (id integer, name text);
CREATE TABLE b.items (id bigint);
