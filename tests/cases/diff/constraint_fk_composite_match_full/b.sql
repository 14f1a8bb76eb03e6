CREATE TABLE a (x integer, y integer, PRIMARY KEY (x, y));
CREATE TABLE b (id integer, ax integer, ay integer,
    CONSTRAINT b_a_fk FOREIGN KEY (ax, ay) REFERENCES a (x, y) MATCH FULL ON DELETE CASCADE);
