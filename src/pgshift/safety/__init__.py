"""Nothing lost: backups taken before destructive statements, the data-loss gate,
restore, and seed data.
"""
