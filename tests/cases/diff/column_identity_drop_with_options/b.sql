CREATE TABLE voltages (volt integer, label text);
