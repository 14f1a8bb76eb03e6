CREATE TABLE words (id integer, word text COLLATE "POSIX" NOT NULL);
CREATE INDEX words_word_idx ON words (word);
