CREATE TABLE base (id integer NOT NULL, amount integer, CONSTRAINT amount_positive CHECK (amount > 0));
CREATE TABLE child (extra text, CONSTRAINT extra_short CHECK (length(extra) < 10)) INHERITS (base);
