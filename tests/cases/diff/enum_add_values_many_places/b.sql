CREATE TYPE level AS ENUM ('a', 'b', 'c', 'd', 'e', 'f');
