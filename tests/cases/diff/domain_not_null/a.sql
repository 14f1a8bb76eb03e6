CREATE DOMAIN qty AS integer;
CREATE TABLE stock (item text, n qty);
