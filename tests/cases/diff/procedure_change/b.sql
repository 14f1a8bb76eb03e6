CREATE TABLE log (msg text, at timestamptz DEFAULT now());
CREATE PROCEDURE write_log(m text) LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO log (msg, at) VALUES (upper(m), clock_timestamp());
END
$$;
