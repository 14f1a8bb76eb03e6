CREATE TABLE logs (id integer NOT NULL, level integer NOT NULL, msg text, src text) PARTITION BY LIST (level);
CREATE TABLE logs_1 PARTITION OF logs FOR VALUES IN (1);
