CREATE TYPE old_mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t (id int, m old_mood);
