INSERT INTO logs VALUES (1, 1, NULL, NULL), (2, 2, 'two', NULL);
