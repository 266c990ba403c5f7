"""The exit codes of ``slimfix`` (fix, --check, --diff), defined once.

The help text, README and docs/integrations.md quote ``HELP``; a test checks
that they agree with it.
"""

OK = 0  # nothing would change (and, with --exit-non-zero-on-findings, nothing is left to report)
CHANGES = 1  # --check / --diff: a file would change; with --exit-non-zero-on-findings: findings remain
ERROR = 2  # bad input, a file not written, a bad configuration, option or pragma
INTERRUPTED = 130

HELP = """\
  0  nothing to do, or everything fixed
  1  --check / --diff: a file would change; with --exit-non-zero-on-findings
     (any mode): findings remain that no applied fix removes
  2  errors: bad input (unreadable, binary, not UTF-8, too large, unparsable,
     a bad pragma), a file that could not be written, a bad configuration"""


def exit_code(errors: bool, would_change: bool, findings_remain: bool, fail_on_findings: bool) -> int:
    """The one place the exit code of a run is decided."""
    if errors:
        return ERROR
    if would_change or (fail_on_findings and findings_remain):
        return CHANGES
    return OK
