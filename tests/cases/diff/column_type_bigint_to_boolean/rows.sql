INSERT INTO flags VALUES (1, 1, 0), (2, 0, 1), (3, NULL, NULL);
