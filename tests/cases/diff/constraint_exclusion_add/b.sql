CREATE TABLE bookings (room integer NOT NULL, during tstzrange NOT NULL,
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&));
