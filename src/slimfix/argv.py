"""The ``slimfix`` entry point: common command lines without importing click.

``slimfix [--check|--diff] [-q] [-j N] ... PATH...`` is what editors, hooks and CI run,
often on one file; importing click was a third of such a run. This layer reads the
options of the fix command that take no special validation, and hands every other
command line (commands, help, version, ``--config``, anything unusual or wrong) to the
full click command line in ``slimfix.cli``, which reports errors. Both build their
options with ``fix_options``; a test checks that they read the same options alike.
"""

from __future__ import annotations

import sys
from typing import Dict, List, Optional, Sequence, Tuple
from .constants import FORMATS, __version__

COLORS = ("auto", "always", "never")
COMMANDS = frozenset({"fix", "rules", "rule", "verify", "bot"})


def _param(option: str) -> str:
    """The parameter a long option sets, named as click names it: ``--no-cache`` -> ``no_cache``."""
    return option[2:].replace("-", "_")


# option -> (parameter, value it sets); the switches set their own parameter to True
_FLAGS: Dict[str, Tuple[str, object]] = {
    option: (_param(option), True)
    for option in ("--quiet", "--unsafe-fixes", "--force-exclude", "--no-respect-gitignore",
                   "--show-fixes", "--statistics", "--progress", "--no-cache")
}
_FLAGS.update({
    "--check": ("mode", "check"), "--diff": ("mode", "diff"), "-q": ("quiet", True),
    "--no-unsafe-fixes": ("unsafe_fixes", False), "--no-progress": ("progress", False),
    "--exit-non-zero-on-findings": ("fail_on_findings", True),
})
# option -> parameter, for the options that take a value
_VALUES = {
    option: _param(option)
    for option in ("--workers", "--select", "--ignore", "--extend-select", "--exclude",
                   "--output-format", "--color", "--stdin-filename", "--max-file-size")
}
_VALUES["-j"] = "workers"
_MULTIPLE = frozenset({"select", "ignore", "extend_select", "exclude"})
_CHOICES = {"output_format": FORMATS, "color": COLORS}


def defaults() -> Dict[str, object]:
    """The fix command's parameters when no option is given (as click fills them)."""
    return dict(paths=(), mode=None, fail_on_findings=False, max_file_size=10, select=(), ignore=(), extend_select=(), unsafe_fixes=None, exclude=(),
                force_exclude=False, no_respect_gitignore=False, config_path=None, stdin_filename=None,
                output_format="text", output_file=None, show_fixes=False, statistics=False, quiet=False,
                workers=0, color="auto", progress=None, no_cache=False, cache_dir=None, explain=None,
                verify=False, verify_context=None, verify_smoke=None)


def parse_common(args: Sequence[str]) -> Optional[Dict[str, object]]:
    """The fix command's parameters for ``args``, or None when click must read them."""
    if args and args[0] in COMMANDS:
        return None
    params = defaults()
    multiple: Dict[str, List[str]] = {}
    paths: List[str] = []
    seen = set()
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            paths.extend(rest)
            break
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, has_value, value = arg.partition("=") if arg.startswith("--") else (arg, False, "")
        if name in _FLAGS and not has_value:
            key, flag = _FLAGS[name]
            if key in seen:  # repeated or contradicting flags: click's rules decide
                return None
            seen.add(key)
            params[key] = flag
            continue
        if name not in _VALUES:
            return None  # -h, --version, -qj2, -j2, --config, ...: click
        key = _VALUES[name]
        if not has_value:
            if not rest:
                return None
            value = rest.pop(0)
        if value.startswith("-") or (key in seen and key not in _MULTIPLE):
            return None
        seen.add(key)
        if key in ("workers", "max_file_size"):
            if not value.isdigit() or not value.isascii() or (key == "max_file_size" and int(value) < 1):
                return None
            params[key] = int(value)
        elif key in _CHOICES and value not in _CHOICES[key]:
            return None
        elif key in _MULTIPLE:
            multiple.setdefault(key, []).append(value)
        else:
            params[key] = value
    for key, values in multiple.items():
        params[key] = tuple(values)
    params["paths"] = tuple(paths)
    return params


def main(args: Optional[Sequence[str]] = None) -> None:
    given = sys.argv[1:] if args is None else args
    if list(given) == ["--version"]:
        sys.stdout.write(f"slimfix, version {__version__}\n")  # as click's version_option words it
        return
    params = parse_common(given)
    if params is None:
        from .cli import main as click_main  # lazy: start-up (click only for what this reader leaves)

        click_main(args=None if args is None else list(args), prog_name="slimfix")
        return
    from .app import fix_options, run_fix  # lazy: start-up (`--version` needs no run)

    sys.exit(run_fix(fix_options(**params)))


__all__ = ["main", "parse_common"]
