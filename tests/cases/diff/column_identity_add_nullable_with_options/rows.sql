INSERT INTO voltages (volt, label) VALUES (-100, 'low'), (-95, 'lower'), (40, 'high');
