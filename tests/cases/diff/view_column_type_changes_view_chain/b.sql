CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL);
CREATE VIEW user_names AS SELECT id, name FROM users;
CREATE VIEW user_initials AS SELECT id, left(name, 1) AS initial FROM user_names;
COMMENT ON VIEW user_names IS 'just names';
GRANT SELECT ON user_names TO PUBLIC;
