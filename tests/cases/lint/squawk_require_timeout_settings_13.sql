-- case: CREATE TABLE ... REFERENCES waits for SHARE ROW EXCLUSIVE on the referenced table: writes queue
-- expect: missing-lock-timeout warning line 3
CREATE TABLE email (id bigint, user_id bigint REFERENCES users (id));
