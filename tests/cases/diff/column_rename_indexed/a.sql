CREATE TABLE people (id integer PRIMARY KEY, mail text NOT NULL);
CREATE UNIQUE INDEX people_mail_key ON people (lower(mail));
ALTER TABLE people ADD CONSTRAINT people_mail_check CHECK (mail LIKE '%@%');
