-- A column, its backfill and its constraint in one go.
ALTER TABLE users ADD COLUMN plan text;
UPDATE users SET plan = 'free';
ALTER TABLE users ALTER COLUMN plan SET NOT NULL;
CREATE INDEX users_plan_idx ON users (plan);
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
