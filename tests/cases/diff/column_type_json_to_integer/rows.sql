INSERT INTO settings VALUES (1, '5', 'true'), (2, '-12', 'false'), (3, NULL, NULL);
