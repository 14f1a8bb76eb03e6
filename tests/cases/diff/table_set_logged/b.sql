CREATE TABLE staging (id bigint, payload text);
