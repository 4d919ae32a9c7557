"""The pieces of `scripts/make_demo_directory.py`: its data, the HSDS JSON built from it, and
the checks of what the demo promises to matching."""
