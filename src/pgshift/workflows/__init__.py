"""What composes the other subpackages, often on a scratch database: migrate (lint
gate, backups, run), reset, replay, verify, drift, diff between sources, adopt,
generate, and other tools' history tables.
"""
