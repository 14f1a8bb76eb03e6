CREATE UNLOGGED TABLE staging (id bigint, payload text);
