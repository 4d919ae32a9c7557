"""What every package of ours stands on: shared column types and the data keys' machinery.

It imports nothing else of ours, and it never reads configuration: keys are handed in.
"""
