CREATE SCHEMA app;
CREATE TYPE app.role AS ENUM ('admin', 'member');
CREATE DOMAIN app.handle AS text CHECK (VALUE ~ '^[a-z]+$');
CREATE SEQUENCE app.ticket_no;
CREATE TABLE app.users (id integer PRIMARY KEY, handle app.handle NOT NULL, role app.role DEFAULT 'member' NOT NULL);
CREATE TABLE app.tickets (no bigint DEFAULT nextval('app.ticket_no') PRIMARY KEY, user_id integer REFERENCES app.users (id));
CREATE VIEW app.admins AS SELECT id, handle FROM app.users WHERE role = 'admin';
CREATE FUNCTION app.user_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM app.users $$;
