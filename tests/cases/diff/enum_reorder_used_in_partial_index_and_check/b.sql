CREATE TYPE prio AS ENUM ('low', 'mid', 'high');
CREATE TABLE tasks (id integer, prio prio NOT NULL, CONSTRAINT tasks_not_low CHECK (prio <> 'low'));
CREATE INDEX tasks_high_idx ON tasks (id) WHERE prio = 'high';
