CREATE TABLE keep (id integer);
CREATE TABLE bindings (id bigserial, kind text NOT NULL, ref bigint NOT NULL, CHECK (ref > 0));
CREATE TABLE bindings_a (CONSTRAINT kind_is_a CHECK (kind = 'a'), UNIQUE (ref, kind)) INHERITS (bindings);
CREATE TABLE bindings_b (note text, CONSTRAINT kind_is_b CHECK (kind = 'b')) INHERITS (bindings);
