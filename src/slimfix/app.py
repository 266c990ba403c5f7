"""What ``slimfix [OPTIONS] [PATH]...`` does, apart from parsing its options."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import click

from .config import ConfigError, Settings, find_config, load_settings
from .files import SourceError, decode, discover
from .fixer import FileResult, fix_text
from .output.diff import unified_diff
from .output.reports import render
from .runner import Job, run_jobs

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class FixOptions:
    paths: Tuple[str, ...]
    mode: str = "fix"  # fix | diff | check
    overrides: Dict[str, object] = field(default_factory=dict)
    config_path: Optional[str] = None
    stdin_filename: Optional[str] = None
    output_format: str = "text"
    show_fixes: bool = False
    statistics: bool = False
    quiet: bool = False


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


def _base_settings(options: FixOptions) -> Optional[Settings]:
    if options.config_path:
        return load_settings(Path(options.config_path))
    return None


def _settings(path: str, base: Optional[Settings], options: FixOptions, cache: Dict[Path, Settings]) -> Settings:
    if base is None:
        start = Path(path if path != "-" else (options.stdin_filename or "."))
        found = find_config(start if start.exists() else Path.cwd())
        key = found or Path("")
        if key not in cache:
            cache[key] = load_settings(found)
        base = cache[key]
    return base.merged(**options.overrides)


def run_fix(options: FixOptions) -> int:
    try:
        base = _base_settings(options)
        root_settings = _settings(options.paths[0], base, options, {})
    except ConfigError as exc:
        _echo_err(f"slimfix: {exc}")
        return EXIT_ERROR
    for warning in root_settings.warnings:
        _echo_err(f"slimfix: warning: {warning}")

    files = discover(options.paths, root_settings.exclude, root_settings.respect_gitignore)
    results: List[FileResult] = []
    cache: Dict[Path, Settings] = {}
    jobs = []
    config_errors: List[str] = []
    for path in files:
        try:
            settings = _settings(path, base, options, cache)
        except ConfigError as exc:
            config_errors.append(f"slimfix: {exc}")
            continue
        if path == "-":
            results.append(_run_stdin(options, settings))
        else:
            jobs.append(Job(path, settings, write=options.mode == "fix", fix=True))
    results.extend(run_jobs(jobs))

    status = EXIT_OK
    for message in config_errors:
        _echo_err(message)
        status = EXIT_ERROR
    diffs = []
    for result in results:
        if result.error:
            _echo_err(result.error)
            status = EXIT_ERROR
        if result.internal_error:
            _echo_err(f"{result.path}: {result.internal_error.splitlines()[0]}")
            status = EXIT_ERROR
        if options.mode == "diff" and result.changed and result.path != "-":
            diffs.append(unified_diff(result.source, result.output, result.path))
    if diffs:
        sys.stdout.write(_color("".join(diffs)))
    if options.mode == "fix" and any(r.path == "-" for r in results):
        pass  # standard input's output was written by _run_stdin
    if not options.quiet or options.output_format != "text":
        report = render(results, options.output_format, options.mode, options.show_fixes, options.statistics)
        if report:
            stream_err = options.mode == "diff" or any(r.path == "-" for r in results)
            click.echo(report, err=stream_err and options.output_format == "text")
    if status == EXIT_OK:
        would_change = any(r.changed for r in results)
        remaining = any(r.diagnostics for r in results)
        if (options.mode in ("diff", "check") and would_change) or remaining:
            status = EXIT_FINDINGS
    return status


def _run_stdin(options: FixOptions, settings: Settings) -> FileResult:
    name = options.stdin_filename or "-"
    raw = sys.stdin.buffer.read()
    try:
        text = decode(raw, name)
    except SourceError as exc:
        return FileResult(name, "", "", error=str(exc))
    result = fix_text(text, name, settings, fix=True)
    if result.error:
        result.error = f"{name}:{result.error}"
    if options.mode == "fix":
        sys.stdout.buffer.write(result.output.encode("utf-8"))
        sys.stdout.flush()
    elif options.mode == "diff" and result.changed:
        sys.stdout.write(unified_diff(result.source, result.output, name))
    return result


def _color(diff: str) -> str:
    if not sys.stdout.isatty():
        return diff
    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(click.style(line, bold=True))
        elif line.startswith("+"):
            out.append(click.style(line, fg="green"))
        elif line.startswith("-"):
            out.append(click.style(line, fg="red"))
        elif line.startswith("@@"):
            out.append(click.style(line, fg="cyan"))
        else:
            out.append(line)
    return "".join(out)
