CREATE DOMAIN qty AS integer NOT NULL;
CREATE TABLE stock (item text, n qty);
