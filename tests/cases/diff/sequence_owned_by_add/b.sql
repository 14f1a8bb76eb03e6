CREATE TABLE tickets (id integer NOT NULL, title text);
CREATE SEQUENCE tickets_id_seq OWNED BY tickets.id;
ALTER TABLE tickets ALTER COLUMN id SET DEFAULT nextval('tickets_id_seq');
