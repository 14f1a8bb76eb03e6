CREATE TABLE users (id integer, name text, email text);
CREATE FUNCTION find_users(pattern text) RETURNS TABLE (id integer, name text, email text)
    LANGUAGE sql STABLE AS $$ SELECT id, name, email FROM users WHERE name LIKE pattern $$;
