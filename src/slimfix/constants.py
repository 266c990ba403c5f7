"""Values the command lines and reports share: the version, exit codes, report formats."""

__version__ = "0.1.0"

EXIT_OK = 0  # nothing to do, or everything fixed
EXIT_FINDINGS = 1  # --check / --diff: a file would change; any mode: findings remain
EXIT_ERROR = 2  # bad usage, unreadable input, a failed remote call, a bug
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT

FORMATS = ("text", "json", "sarif", "github", "gitlab")
