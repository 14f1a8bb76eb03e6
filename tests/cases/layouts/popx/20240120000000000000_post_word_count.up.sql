ALTER TABLE posts ADD COLUMN word_count integer;
