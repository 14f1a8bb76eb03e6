CREATE TABLE flags (id integer, active bigint, hidden smallint);
