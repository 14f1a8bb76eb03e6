ALTER TABLE posts DROP COLUMN word_count;
