CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE TABLE a.items (id integer);
CREATE TABLE b.items (id integer);
