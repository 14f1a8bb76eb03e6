CREATE TABLE log (msg text, at timestamptz DEFAULT now());
CREATE PROCEDURE write_log(m text) LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO log (msg) VALUES (m);
END
$$;
