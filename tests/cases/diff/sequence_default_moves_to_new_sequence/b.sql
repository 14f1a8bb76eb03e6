CREATE SEQUENCE new_seq START 100;
CREATE TABLE t (id bigint DEFAULT nextval('new_seq') NOT NULL);
