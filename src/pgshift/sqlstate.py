"""What to do next, for the server errors a migration most often meets."""

STATE_HINTS: dict[str, str] = {
    "42P07": "The object already exists. Was it created by hand, or by the script pgshift "
    "replaces? For a database built before pgshift, record what is there with "
    "'pgshift baseline VERSION'; otherwise write the migration against the current schema.",
    "42701": "The column already exists. If it was added by hand or by an earlier script, "
    "record that with 'pgshift baseline', or drop the ADD COLUMN from this migration.",
    "42P01": "The table does not exist at this point. Is it created by an earlier migration "
    "(check the version order with 'pgshift status'), and spelled the same?",
    "42703": "The column does not exist at this point: check its name and the migration order.",
    "42704": "The object does not exist at this point: check its name and the migration order.",
    "55P03": "A lock could not be taken in time: another session holds it. Retry when the "
    "blocking transaction has ended.",
    "57014": "The statement ran past its statement_timeout.",
    "25001": "This statement cannot run inside a transaction: put it in a migration of its "
    "own marked '-- pgshift:no-transaction'.",
}
