-- an element that is an expression, not a column: conkey holds 0 for it
CREATE TABLE rooms (id integer, name varchar(255),
    CONSTRAINT rooms_name_unique_ci EXCLUDE USING btree (lower(name) WITH =, id WITH =)
        WHERE (name <> ''));
