CREATE TYPE state AS ENUM ('open', 'closed');
CREATE TABLE tickets (id integer, state state DEFAULT 'open' NOT NULL);
