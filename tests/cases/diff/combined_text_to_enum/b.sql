CREATE TYPE kind AS ENUM ('a', 'b');
CREATE TABLE things (id integer, kind kind DEFAULT 'a' NOT NULL);
