"""`python -m slimfix.regenerate`: one command for everything generated from the sources."""

import subprocess
import sys

from slimfix import regenerate


def test_the_checkout_is_in_sync_and_a_second_write_changes_nothing(capsys):
    assert regenerate.main(["--check"]) == 0
    assert regenerate.main([]) == 0
    assert capsys.readouterr().out == ""  # nothing was out of date, so nothing was written


def test_it_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "slimfix.regenerate", "--check"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
