-- case: a foreign key in CREATE TABLE checks no rows: the table is new
-- expect: add-foreign-key-without-not-valid none
-- live: CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
-- live: INSERT INTO users SELECT g, 'u' || g, 'n' || g FROM generate_series(1, 100) g;
-- runs: ok
CREATE TABLE email (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint,
    CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE TABLE email_alias (id bigint, user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE);
