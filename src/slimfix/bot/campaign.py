"""Many repositories in one run: a pool of workers, one outcome per repository,
a state file that lets an interrupted run resume. A failing repository is
reported and the others go on; the runner itself never raises for one of them."""

from __future__ import annotations

import json
import os
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from ..record import replace
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence

from .errors import BotError, Skipped
from .fleet import Target
from .outcome import FINISHED, Outcome
from .run import BotOptions, Output, run_bot
from .secrets import Secrets

STATE_VERSION = 1


class State:
    """``--state FILE``: the outcome of each repository, written as each one ends.
    A run that ends marks the file complete; the next run starts afresh. A run
    that was interrupted left it incomplete: the next one skips what it finished."""

    def __init__(self, path: Optional[str]) -> None:
        self.path = Path(path) if path else None
        self.done: Dict[str, Outcome] = {}
        self._lock = threading.Lock()
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise BotError(f"cannot read the state file {self.path}: {exc}") from None
            if data.get("version") == STATE_VERSION and not data.get("complete"):
                for item in data.get("repositories", []):
                    outcome = Outcome.from_json(item)
                    if FINISHED.get(outcome.status):
                        self.done[outcome.repo] = outcome

    def add(self, outcome: Outcome) -> None:
        with self._lock:
            if FINISHED.get(outcome.status):
                self.done[outcome.repo] = outcome
            self._write(complete=False)

    def finish(self) -> None:
        with self._lock:
            self._write(complete=True)

    def _write(self, complete: bool) -> None:
        if self.path is None:
            return
        data = {
            "version": STATE_VERSION,
            "complete": complete,
            "repositories": [o.to_json() for o in self.done.values()],
        }
        partial = self.path.with_name(self.path.name + ".partial")
        try:
            partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
            os.replace(partial, self.path)  # a reader never sees half a file
        except OSError as exc:
            raise BotError(f"cannot write the state file {self.path}: {exc.strerror}") from None


def run_campaign(
    targets: Sequence[Target],
    options: BotOptions,
    secrets: Secrets,
    out: Callable[[str], None],
    err: Callable[[str], None],
    jobs: int = 1,
    state: Optional[State] = None,
    env: Optional[Mapping[str, str]] = None,
) -> List[Outcome]:
    """One outcome per target, in the targets' order."""
    state = state or State(None)
    several = len(targets) > 1
    printing = threading.Lock()
    results: Dict[int, Outcome] = {}

    def one(index: int, target: Target) -> None:
        lines: List[tuple] = []
        if jobs > 1:  # each repository's lines stay together
            output = Output(secrets, lambda t: lines.append((out, t)), lambda t: lines.append((err, t)))
        else:
            output = Output(secrets, out, err)
        if several:
            (output.say if jobs == 1 else lambda t: lines.append((out, t)))(f"== {target.name}")
        outcome = _run_one(target, options, output, secrets, env, threaded=jobs > 1)
        state.add(outcome)
        results[index] = outcome
        with printing:
            for write, text in lines:
                write(text)

    pending = []
    for index, target in enumerate(targets):
        if target.repo in state.done:
            results[index] = state.done[target.repo]
            out(f"== {target.name}: finished in the interrupted run, not redone")
        else:
            pending.append((index, target))
    if jobs > 1:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="slimfix-bot") as pool:
            try:
                for future in [pool.submit(one, i, t) for i, t in pending]:
                    future.result()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    else:
        for index, target in pending:
            one(index, target)
    state.finish()
    return [results[i] for i in range(len(targets))]


def _run_one(
    target: Target,
    options: BotOptions,
    output: Output,
    secrets: Secrets,
    env: Optional[Mapping[str, str]],
    threaded: bool,
) -> Outcome:
    if target.skip:
        output.say(f"skipped: {target.skip}")
        return Outcome(target.repo, target.name, "skipped", message=target.skip, dry_run=options.dry_run)
    mine = replace(
        options,
        repo=target.repo,
        project=target.project or options.project,
        workers=1 if threaded else options.workers,
    )
    try:
        outcome = run_bot(mine, output, env)
    except Skipped as exc:
        output.say(f"skipped: {exc}")
        return Outcome(target.repo, target.name, "skipped", message=str(exc), dry_run=options.dry_run)
    except BotError as exc:
        output.warn_error(str(exc))
        return Outcome(target.repo, target.name, "failed", message=secrets.redact(str(exc)), dry_run=options.dry_run)
    except Exception as exc:  # a bug must not stop the other repositories
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        output.warn_error(f"internal error: {detail}")
        message = secrets.redact(f"internal error: {detail}")
        return Outcome(target.repo, target.name, "failed", message=message, dry_run=options.dry_run)
    outcome.repo, outcome.name = target.repo, target.project or options.project or target.name
    return outcome
