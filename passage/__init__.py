"""Application shell of Passage: settings, database wiring, CLI, process supervision, worker loop.

Domain rules live in `casework`, `referral_directory` and `translations`; this package only
assembles them into running processes.
"""
