-- case: a foreign key without NOT VALID scans the referencing table
-- expect: add-foreign-key-without-not-valid warning line 6
-- live: CREATE TABLE addresses (address text PRIMARY KEY);
-- live: CREATE TABLE distributors (id bigint, address text);
-- runs: ok
ALTER TABLE distributors ADD CONSTRAINT distfk FOREIGN KEY (address) REFERENCES addresses (address);
