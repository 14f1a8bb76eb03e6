"""Files to plan to run: discovery (with one reader per other tool's layout in
``layouts``), sections and statements, the plan, the runner (with its batched
sends, journaled no-transaction runs, lock retries, failure paragraphs and dry
runs), the history table, the migration lock and Python migrations; ``session``
ties them to one command.
"""
