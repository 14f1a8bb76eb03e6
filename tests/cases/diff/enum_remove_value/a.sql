CREATE TYPE mood AS ENUM ('sad', 'meh', 'ok', 'happy');
CREATE TABLE people (id integer, mood mood);
