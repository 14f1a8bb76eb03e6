CREATE TABLE logins (at timestamp without time zone DEFAULT now() NOT NULL);
