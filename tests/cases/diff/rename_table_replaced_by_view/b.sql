CREATE SCHEMA app;
-- the table moves behind a view of its old name: the rename keeps its rows, and q,
-- which followed the table through the rename, must read the new view instead
CREATE TABLE app.t_data (id integer NOT NULL, name text);
CREATE VIEW app.data AS SELECT * FROM app.t_data;
CREATE VIEW app.q AS SELECT * FROM app.data;
