CREATE TYPE state AS ENUM ('open', 'closed', 'archived');
CREATE TABLE tickets (id integer, state state NOT NULL, CONSTRAINT tickets_not_archived CHECK (state <> 'archived'));
