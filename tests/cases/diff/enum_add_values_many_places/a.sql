CREATE TYPE level AS ENUM ('b', 'd');
