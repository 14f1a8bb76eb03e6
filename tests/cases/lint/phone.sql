-- The how-to's example, as the team wrote it.
ALTER TABLE users ADD COLUMN phone VARCHAR(20) CONSTRAINT phone_unique UNIQUE;
