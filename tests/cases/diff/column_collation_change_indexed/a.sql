CREATE TABLE words (id integer, word text COLLATE "C" NOT NULL);
CREATE INDEX words_word_idx ON words (word);
