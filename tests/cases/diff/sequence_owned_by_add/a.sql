CREATE TABLE tickets (id integer NOT NULL, title text);
CREATE SEQUENCE tickets_id_seq;
