INSERT INTO prices (amount) VALUES (123456.78), (-0.01), (0), (NULL);
