CREATE TABLE bookings (room integer NOT NULL, during tstzrange NOT NULL);
