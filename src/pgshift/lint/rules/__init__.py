"""Every lint rule, one module each; adding a rule is a module and a line here."""

from __future__ import annotations

from importlib import import_module

from pgshift.lint.model import Rule

# In the order of the catalogue: destructive, compatibility, locking, transactions, style.
MODULES = (
    "drop_table",
    "drop_column",
    "drop_schema_or_database",
    "truncate",
    "unbounded_dml",
    "narrowing_type_change",
    "drop_constraint",
    "rename_column",
    "rename_table",
    "rename_schema_or_enum_value",
    "drop_not_null",
    "add_required_column",
    "add_column_volatile_default",
    "add_column_generated_or_serial",
    "change_column_type",
    "set_not_null",
    "add_check_without_not_valid",
    "add_foreign_key_without_not_valid",
    "validate_in_same_transaction",
    "add_unique_constraint",
    "add_primary_key",
    "add_exclusion_constraint",
    "create_index_non_concurrent",
    "drop_index_non_concurrent",
    "missing_concurrently_other",
    "attach_partition_scan",
    "table_rewrite_command",
    "domain_constraint",
    "enum_add_value_in_transaction",
    "dml_with_ddl_same_transaction",
    "multiple_tables_locked",
    "concurrently_in_transaction",
    "transaction_control_in_file",
    "missing_lock_timeout",
    "missing_statement_timeout",
    "non_idempotent_in_non_transactional",
    "invalid_index_leftover",
    "duplicate_column",
    "prefer_text_over_varchar_char",
    "prefer_bigint_and_identity",
    "prefer_timestamptz_and_jsonb",
    "enum_value_ordering",
    "naming_and_identifiers",
    "fk_without_index",
    "unqualified_name",
)


def _load() -> tuple[Rule, ...]:
    return tuple(import_module(f"{__name__}.{name}").RULE for name in MODULES)


RULES: tuple[Rule, ...] = _load()
RULE_IDS = frozenset(rule.id for rule in RULES)
VERSION = f"{len(RULES)}"  # part of the cache key; bumped with any rule change (see cache)
