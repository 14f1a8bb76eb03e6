-- boolean has a cast to integer only: to bigint and smallint through it
CREATE TABLE flags (id integer, active boolean, hidden boolean);
