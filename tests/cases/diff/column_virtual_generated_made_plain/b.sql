CREATE TABLE people (id int PRIMARY KEY, first text, last text, note text, full_name text NOT NULL DEFAULT '');
