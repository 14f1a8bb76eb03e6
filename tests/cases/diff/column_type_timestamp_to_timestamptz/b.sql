CREATE TABLE logins (at timestamp with time zone DEFAULT now() NOT NULL);
