CREATE SEQUENCE old_seq;
CREATE TABLE t (id bigint DEFAULT nextval('old_seq') NOT NULL);
