CREATE TABLE people (id int PRIMARY KEY, first text, last text, full_name text GENERATED ALWAYS AS (first || ' ' || last) VIRTUAL, note text);
