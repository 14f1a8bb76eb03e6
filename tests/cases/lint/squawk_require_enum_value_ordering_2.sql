-- case: ADD VALUE with BEFORE or AFTER says where it goes
-- expect: enum-value-ordering none
ALTER TYPE my_enum ADD VALUE 'new_value' BEFORE 'existing_value';
ALTER TYPE my_enum ADD VALUE 'newer_value' AFTER 'existing_value';
