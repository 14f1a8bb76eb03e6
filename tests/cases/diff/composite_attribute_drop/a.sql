CREATE TYPE address AS (street text, city text, fax text);
CREATE TABLE shops (id integer, addr address);
