-- case: SET NOT NULL after a check validated in an earlier migration does not scan
-- expect: set-not-null none
ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
