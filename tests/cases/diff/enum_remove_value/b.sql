CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE people (id integer, mood mood);
