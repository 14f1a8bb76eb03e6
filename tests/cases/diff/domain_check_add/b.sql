CREATE DOMAIN qty AS integer CONSTRAINT qty_non_negative CHECK (VALUE >= 0);
CREATE TABLE stock (item text, n qty);
