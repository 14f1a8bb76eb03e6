CREATE TABLE t (a int, b text, c text COMPRESSION pglz);
