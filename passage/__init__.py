"""Passage's shell around the domains: `core` (what every package stands on), `config`
(settings and the database engine), `cli` (the `passage` command) and `runtime` (the
composition root that builds policies and starts the processes).

Domain rules live in `casework`, `referral_directory` and `translations`.
"""
