CREATE SCHEMA app;
CREATE TABLE app.data (id integer NOT NULL, name text);
CREATE VIEW app.q AS SELECT * FROM app.data;
