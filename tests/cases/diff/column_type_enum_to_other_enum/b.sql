CREATE TYPE new_mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic');
CREATE TABLE t (id int, m new_mood);
