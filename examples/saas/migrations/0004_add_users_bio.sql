-- "Add a Column".
ALTER TABLE users ADD COLUMN bio text;

-- pgshift:down
ALTER TABLE users DROP COLUMN bio;
