CREATE TYPE address AS (street text, city text);
CREATE TABLE shops (id integer, addr address);
