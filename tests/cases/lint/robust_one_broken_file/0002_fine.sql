-- expect: drop-column error line 2
ALTER TABLE users DROP COLUMN score;
