CREATE DOMAIN code AS text CONSTRAINT code_format CHECK (length(VALUE) = 3);
CREATE TABLE items (code code);
