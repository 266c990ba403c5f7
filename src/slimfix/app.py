"""What ``slimfix [OPTIONS] [PATH]...`` does, once its options are parsed.

Standard output carries the product (the diff, or the fixed standard input)
when there is one, and the report otherwise; the report then goes to
standard error. Errors are one line each on standard error.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict, List, Optional, Tuple, Union

from .cache import open_cache
from .config import ConfigError, Settings, locate, nearest_config
from .constants import EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, exit_code
from .files import MAX_FILE_SIZE, SourceError, decode, is_excluded, named_file, size_error
from .output.findings import error_message
from .output.render import render
from .paths import RealPaths
from .record import field, record
from .result import FileResult, with_path
from .rules import unknown_selectors
from .runner import Job, run_jobs

PROGRESS_MIN_FILES = 50  # show a progress bar on a terminal from this many files


@record(frozen=False)
class FixOptions:
    paths: Tuple[str, ...] = (".",)
    mode: str = "fix"  # fix | diff | check
    fail_on_findings: bool = False  # exit 1 when findings remain (--exit-non-zero-on-findings)
    max_file_size: Optional[int] = None  # bytes; None: files.MAX_FILE_SIZE
    overrides: Dict[str, object] = field(default_factory=dict)  # Settings fields given on the command line
    config_path: Optional[str] = None
    stdin_filename: Optional[str] = None
    output_format: str = "text"
    output_file: Optional[str] = None
    show_fixes: bool = False
    statistics: bool = False
    quiet: bool = False
    extra_exclude: Tuple[str, ...] = ()  # --exclude: added to the config's
    force_exclude: bool = False
    workers: Optional[int] = None  # None: all cores
    color: Optional[bool] = None  # None: when standard output is a terminal
    progress: Optional[bool] = None  # None: on a terminal, for many files
    verify: bool = False  # build each rewrite before and after; write only recommended ones
    verify_context: Optional[str] = None
    verify_smoke: Optional[str] = None
    cache: bool = True  # keep and reuse the results of unchanged files (slimfix.cache)
    cache_dir: Optional[str] = None  # None: the default cache folder


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _read_config(path: str) -> Settings:
    from .configfile import load_settings  # lazy: start-up (only when a config file is read)

    return load_settings(path)


class SettingsFinder:
    """Each file's settings: the nearest config file's (or --config's), flags on top.

    A config file is read once; a broken one is reported once and its files
    are skipped.
    """

    def __init__(self, options: FixOptions) -> None:
        self.overrides = {k: v for k, v in options.overrides.items() if v is not None}
        self.extra_exclude = tuple(options.extra_exclude)
        self.fixed_config = options.config_path or None
        self._config_of: Dict[str, Optional[str]] = {}
        self._real = RealPaths()
        self._merged: Dict[Optional[str], Settings] = {}
        self._loaded: Dict[Optional[str], Union[Settings, ConfigError]] = {}
        self.messages: List[str] = []  # warnings and errors, each once

    def _load(self, config: Optional[str]) -> Settings:
        if config not in self._loaded:
            try:
                loaded: Union[Settings, ConfigError] = Settings() if config is None else _read_config(config)
                self.messages.extend(f"slimfix: warning: {warning}" for warning in loaded.warnings)
                _check_selectors(loaded)
            except ConfigError as exc:
                loaded = exc
                self.messages.append(str(exc))
            self._loaded[config] = loaded
        value = self._loaded[config]
        if isinstance(value, ConfigError):
            raise value
        merged = self._merged.get(config)
        if merged is None:  # one object per config file: the results cache keys on it
            merged = self._merged[config] = value.merged(**self.overrides, exclude=value.exclude + self.extra_exclude)
        return merged

    def for_path(self, path: str) -> Settings:
        """Raises ConfigError when the file's config is unusable."""
        if self.fixed_config is not None:
            return self._load(self.fixed_config)
        folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
        folder = self._real.folder(folder if os.path.isdir(folder) else ".")
        return self._load(nearest_config(folder, self._config_of))

    @property
    def failed(self) -> bool:
        return any(isinstance(value, ConfigError) for value in self._loaded.values())


def run_fix(options: FixOptions) -> int:
    try:
        return _run_fix(options)
    except KeyboardInterrupt:
        _err("slimfix: interrupted; every file is either rewritten whole or untouched")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_ERROR
    except Exception as exc:  # a bug in slimfix: exit 2, never 1 ("changes needed")
        import traceback  # lazy: start-up (only on a bug)

        traceback.print_exc()
        _err(f"slimfix: internal error: {type(exc).__name__}: {exc}")
        return EXIT_ERROR


def _split(values: Tuple[str, ...]) -> Optional[Tuple[str, ...]]:
    if not values:
        return None
    out: List[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


SELECTOR_KEYS = ("select", "ignore", "extend_select")


def fix_options(**params: Any) -> FixOptions:
    """The FixOptions for the fix command's parameters (``explain`` is handled before); the
    click command line and the click-free one (``argv``) both build them here. Parameters named
    as a field of FixOptions are passed as they are; these are read into other fields."""
    rest = dict(params)
    del rest["explain"]
    selectors = {key: _split(rest.pop(key)) for key in SELECTOR_KEYS}
    return FixOptions(
        paths=tuple(rest.pop("paths")) or (".",),
        mode=rest.pop("mode") or "fix",
        overrides=dict(
            **selectors,
            unsafe_fixes=rest.pop("unsafe_fixes"),
            respect_gitignore=False if rest.pop("no_respect_gitignore") else None,
        ),
        max_file_size=rest.pop("max_file_size") * 1024 * 1024,
        workers=rest.pop("workers") or None,
        color={"auto": None, "always": True, "never": False}[rest.pop("color")],
        extra_exclude=_split(rest.pop("exclude")) or (),
        cache=not rest.pop("no_cache"),
        **rest,
    )


def _unknown_selectors(options: FixOptions) -> List[str]:
    if not any(options.overrides.get(key) for key in SELECTOR_KEYS):
        return []  # no selector to check: the rules need not load
    return [f"slimfix: error: --{key.replace('_', '-')}: no rule matches {selector!r} (see `slimfix rules`)"
            for key in SELECTOR_KEYS for selector in unknown_selectors(options.overrides.get(key) or ())]


def _check_selectors(settings: Settings) -> None:
    """Raise ConfigError for the first rule selector in a config file that matches no rule."""
    for key in SELECTOR_KEYS:
        for selector in unknown_selectors(getattr(settings, key) or ()):
            where = locate(settings.source, f'"{selector}"') if settings.source else "configuration"
            raise ConfigError(f"{where}: {key.replace('_', '-')}: no rule matches {selector!r} (see `slimfix rules`)")


def _run_fix(options: FixOptions) -> int:
    unknown = _unknown_selectors(options)
    if unknown:
        for message in unknown:
            _err(message)
        return EXIT_ERROR
    finder = SettingsFinder(options)
    files: List[str] = []
    unreadable: List[str] = []  # folders the search could not read
    for given in options.paths:
        if given == "-":
            files.append("-")
            continue
        try:
            settings = finder.for_path(given)
        except ConfigError:
            continue
        if os.path.isdir(given):
            from .discovery import discover  # lazy: start-up (only when a folder is searched)

            files.extend(discover([given], settings.exclude, settings.respect_gitignore, errors=unreadable))
        else:
            shown = named_file(given, settings.exclude, options.force_exclude)
            if shown is not None:
                files.append(shown)
    files = list(dict.fromkeys(files))

    jobs: List[Job] = []
    skipped = 0
    for path in files:
        if path == "-":
            continue
        try:
            jobs.append(Job(path, finder.for_path(path), write=options.mode == "fix" and not options.verify,
                            max_size=_max_size(options)))
        except ConfigError:
            skipped += 1

    results: List[FileResult] = []
    if "-" in files:
        results.append(_run_stdin(options, finder))
    results.extend(_run_jobs(jobs, options))
    if options.verify:
        from .verified import VerifyOptions, verify_results  # lazy: start-up (only with --verify)

        verify_results(results, VerifyOptions(options.verify_context, options.verify_smoke, options.mode == "fix"))

    failed = finder.failed or skipped > 0 or bool(unreadable)
    if not options.quiet or failed:
        for message in dict.fromkeys(finder.messages + unreadable):
            _err(message)
    return _report(results, options, config_failed=failed, read_stdin="-" in files)


def _run_jobs(jobs, options: FixOptions):
    cache = open_cache(options.cache_dir, options.cache) if jobs else None
    show = options.progress
    if show is None:
        show = not options.quiet and len(jobs) >= PROGRESS_MIN_FILES and sys.stderr.isatty()
    if not show or not jobs:
        return run_jobs(jobs, options.workers, cache=cache)
    from .output.progress import ProgressBar  # lazy: start-up (only with a progress bar)

    with ProgressBar(len(jobs), sys.stderr, erase=sys.stderr.isatty()) as bar:
        return run_jobs(jobs, options.workers, progress=bar.update, cache=cache)


def _max_size(options: FixOptions) -> int:
    return options.max_file_size or MAX_FILE_SIZE


def _run_stdin(options: FixOptions, finder: SettingsFinder):
    from .fixer import fix_text  # lazy: start-up (a run answered from the cache never loads the analysis)

    name = options.stdin_filename or "-"
    raw = sys.stdin.buffer.read(_max_size(options) + 1)  # bounded: /dev/zero must not fill the memory
    if len(raw) > _max_size(options):  # nothing to echo: the input was not read whole
        return FileResult(name, "", "", error=size_error(name, _max_size(options)))
    echo = options.mode == "fix"  # standard output gets the text back, fixed or not

    def unchanged(result: FileResult) -> FileResult:
        if echo:
            _write_stdout_bytes(raw)
        return result

    try:
        settings = finder.for_path(options.stdin_filename or ".")
    except ConfigError as exc:
        return unchanged(FileResult(name, "", "", error=f"{name}: {exc}"))
    if options.force_exclude and options.stdin_filename and is_excluded(options.stdin_filename, settings.exclude):
        return unchanged(FileResult(name, "", ""))
    try:
        text = decode(raw, name)
    except SourceError as exc:
        return unchanged(FileResult(name, "", "", error=str(exc)))
    result = fix_text(text, name, settings, fix=True, input_lines=options.mode != "fix")
    if result.error:
        result.error = with_path(name, result.error)
    if echo:
        _write_stdout_bytes(result.output.encode("utf-8"))
    return result


def _write_stdout_bytes(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _use_color(options: FixOptions) -> bool:
    if options.color is not None:
        return options.color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _report(results, options: FixOptions, config_failed: bool, read_stdin: bool) -> int:
    errors = [message for message in map(error_message, results) if message]
    for message in errors:
        _err(message)

    stdout_is_product = options.mode == "diff" or (options.mode == "fix" and read_stdin)
    if options.mode == "diff":
        from .output.diff import colorize, unified_diff  # lazy: start-up (only with --diff)

        diff = "".join(unified_diff(r.source, r.output, r.path) for r in results if r.changed and not r.error)
        if diff:
            sys.stdout.write(colorize(diff) if _use_color(options) else diff)
            sys.stdout.flush()

    if options.output_format != "text" or not options.quiet:
        report = render(results, options.output_format, options.mode, options.show_fixes, options.statistics)
        try:
            _emit(report, options, to_stderr=stdout_is_product)
        except OSError as exc:
            _err(f"slimfix: error: cannot write {options.output_file}: {exc.strerror or exc}")
            return EXIT_ERROR

    would_change = options.mode != "fix" and any(r.changed and not r.error for r in results)
    remaining = any(r.diagnostics for r in results)
    return exit_code(bool(errors or config_failed), would_change, remaining, options.fail_on_findings)


def _emit(report: str, options: FixOptions, to_stderr: bool) -> None:
    if options.output_file:
        folder = os.path.dirname(options.output_file)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(options.output_file, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(report + ("\n" if report else ""))
        return
    if not report:
        return
    stream = sys.stderr if to_stderr else sys.stdout
    stream.write(report + "\n")
    stream.flush()


__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "FixOptions", "run_fix"]
