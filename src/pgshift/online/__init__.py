"""Changing a live database without downtime: ``fix`` (the safe rewrite of a risky
statement, its steps and the type change), batched backfills and observed locks.
"""
