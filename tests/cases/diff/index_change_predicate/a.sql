CREATE TABLE t (id integer, status text, due date);
CREATE INDEX t_due_idx ON t (due) WHERE status = 'open';
