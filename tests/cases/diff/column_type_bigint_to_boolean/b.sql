-- only integer has a cast to boolean: bigint and smallint go through it
CREATE TABLE flags (id integer, active boolean, hidden boolean);
