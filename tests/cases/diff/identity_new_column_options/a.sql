CREATE TABLE readings (note text);
