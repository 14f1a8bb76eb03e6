CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL);
CREATE UNIQUE INDEX people_mail_key ON people (lower(email));
ALTER TABLE people ADD CONSTRAINT people_mail_check CHECK (email LIKE '%@%');
