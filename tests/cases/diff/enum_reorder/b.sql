CREATE TYPE size AS ENUM ('small', 'medium', 'large');
CREATE TABLE shirts (id integer, size size NOT NULL);
