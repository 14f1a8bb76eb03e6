-- case: varchar without a limit and text with a length CHECK are fine
-- expect: prefer-text-over-varchar-char none
-- runs: ok
CREATE TABLE IF NOT EXISTS foo_table (id bigint, bar_col varchar, bravo text NOT NULL);
ALTER TABLE foo_table ADD CONSTRAINT "text_size" CHECK (LENGTH("bravo") <= 100);
