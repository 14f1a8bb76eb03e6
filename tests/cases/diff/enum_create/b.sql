CREATE TABLE t (id integer);
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE "Empty Enum" AS ENUM ();
