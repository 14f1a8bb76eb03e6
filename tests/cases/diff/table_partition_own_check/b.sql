CREATE TABLE logs (id integer NOT NULL, level integer NOT NULL, CHECK (id > 0)) PARTITION BY LIST (level);
CREATE TABLE logs_1 PARTITION OF logs (CONSTRAINT small_ids CHECK (id < 1000000)) FOR VALUES IN (1);
