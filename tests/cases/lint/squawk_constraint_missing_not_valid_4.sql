-- case: a foreign key NOT VALID in one migration and VALIDATE in the next: nothing held
-- expect: add-foreign-key-without-not-valid none
-- expect: validate-in-same-transaction none
-- live: CREATE TABLE addresses (address text PRIMARY KEY);
-- live: CREATE TABLE distributors (id bigint, address text);
-- live: ALTER TABLE distributors ADD CONSTRAINT distfk FOREIGN KEY (address) REFERENCES addresses (address) NOT VALID;
-- runs: ok
ALTER TABLE distributors VALIDATE CONSTRAINT distfk;
