CREATE DOMAIN qty AS integer CONSTRAINT qty_non_negative CHECK (VALUE >= 0) CHECK (VALUE < 1000);
