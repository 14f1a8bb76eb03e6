CREATE UNLOGGED TABLE cache (key text PRIMARY KEY, value jsonb);
