-- "Add a Unique Constraint": email is unique, as the current schema says.
ALTER TABLE users ADD CONSTRAINT email_unique UNIQUE (email);

-- pgshift:down
ALTER TABLE users DROP CONSTRAINT email_unique;
