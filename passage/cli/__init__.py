"""The `passage` command: one group per concept, each a thin adapter over the domains."""
