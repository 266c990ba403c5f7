"""Values the command lines and reports share: the version, exit codes, report formats."""

__version__ = "0.1.0"

# The exit codes of every command line. The help text, README and docs/integrations.md quote
# EXIT_HELP; a test checks that they agree with it.
EXIT_OK = 0  # nothing would change (with --exit-non-zero-on-findings: nothing left to report either)
EXIT_FINDINGS = 1  # --check / --diff: a file would change; with --exit-non-zero-on-findings: findings remain
EXIT_ERROR = 2  # bad input, a file not written, a bad configuration, option or pragma, a failed remote call
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT

EXIT_HELP = """\
  0  nothing to do, or everything fixed
  1  --check / --diff: a file would change; with --exit-non-zero-on-findings
     (any mode): findings remain that no applied fix removes
  2  errors: bad input (unreadable, binary, not UTF-8, too large, unparsable,
     a bad pragma), a file that could not be written, a bad configuration"""


def exit_code(errors: bool, would_change: bool, findings_remain: bool, fail_on_findings: bool) -> int:
    """The one place the exit code of a run is decided."""
    if errors:
        return EXIT_ERROR
    if would_change or (fail_on_findings and findings_remain):
        return EXIT_FINDINGS
    return EXIT_OK

FORMATS = ("text", "json", "sarif", "github", "gitlab")
