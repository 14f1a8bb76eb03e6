-- case: ADD VALUE without BEFORE or AFTER goes last
-- expect: enum-value-ordering info line 4
-- expect: enum-value-ordering info line 5
ALTER TYPE my_enum ADD VALUE 'new_value';
ALTER TYPE my_enum ADD VALUE IF NOT EXISTS 'newer_value';
