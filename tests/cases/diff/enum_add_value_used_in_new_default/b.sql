CREATE TYPE state AS ENUM ('new', 'open', 'closed');
CREATE TABLE tickets (id integer, state state DEFAULT 'new' NOT NULL);
