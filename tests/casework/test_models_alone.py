"""The action server imports casework.models without the other table modules: every foreign key
of a case must still find its table, or no case can be written (found by the e2e suite)."""

import subprocess
import sys

_PROBE = """
from sqlalchemy.schema import CreateTable
from casework.models import Case
print(CreateTable(Case.__table__).compile())
"""


def test_the_case_table_compiles_with_only_casework_models_imported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "operation_id" in done.stdout
