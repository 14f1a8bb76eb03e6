-- pgshift:lock-timeout 2s
-- pgshift:statement-timeout 1min
-- The safe first step of the phone example: nothing to say.
ALTER TABLE users ADD COLUMN phone text;
ALTER TABLE users ADD CONSTRAINT users_phone_length CHECK (char_length(phone) <= 20) NOT VALID;
