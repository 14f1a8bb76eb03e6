CREATE TYPE address AS (street text, zip varchar(12));
