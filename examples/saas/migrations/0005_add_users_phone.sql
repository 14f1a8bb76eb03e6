-- The how-to's step-1 example, as it wrote it.
ALTER TABLE users
    ADD COLUMN phone varchar(20)
    CONSTRAINT phone_unique UNIQUE;

-- pgshift:down
ALTER TABLE users DROP COLUMN phone;
