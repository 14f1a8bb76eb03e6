INSERT INTO t (id, name) VALUES (1, 'one'), (2, 'two'), (41, 'forty-one');
