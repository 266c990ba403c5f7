"""Safe fixes never change what a build does: the proof by running the shell.

``test_safe_fixes_keep_what_the_build_does`` generates Dockerfiles (``grammar``), applies
slimfix's default fixes, runs the original and the output as Docker runs RUNs, in a
sandbox (``sandbox``), and fails on the first difference, printing the Dockerfile that
shows it. ``SLIMFIX_ORACLE_CASES`` (default 10,000) sets how many cases it generates;
the seed is fixed, and each case runs under the shell drawn with it (dash, bash or
busybox as /bin/sh). ``test_each_state_change_then_each_observer`` is the exhaustive
part: every state change of the grammar, then every observer, under all three shells.
``scripts/oracle`` runs longer, with random seeds, in parallel.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.rules import Applicability, all_rules

from .grammar import OBSERVERS, STATE, WRITERS, Case, cases
from .oracle import DESIGNED_REMOVALS, Oracle, Sandboxes, compared, minimize, plan, same

CASES = int(os.environ.get("SLIMFIX_ORACLE_CASES", "10000"))
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"


@pytest.fixture(scope="module")
def sandboxes():
    reason = Sandboxes.unavailable()
    if reason is not None:
        pytest.skip(reason)
    with Sandboxes(int(os.environ.get("SLIMFIX_ORACLE_JOBS", "2"))) as pool:
        yield pool


def run(sandboxes, text: str, shell: str = "dash"):
    return sandboxes.run([(plan(text), (shell,))])[0][shell]


def files(outcome) -> dict:
    return {path: content for path, _, content in compared(outcome.files)}


def test_safe_fixes_keep_what_the_build_does(sandboxes) -> None:
    oracle = Oracle(sandboxes)

    # No hypothesis shrinking: ``minimize`` knows the case's structure and gets smaller cases.
    @settings(max_examples=CASES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(cases())
    def check(case: Case) -> None:
        difference = oracle.check(case)
        if difference is not None:
            small = minimize(oracle, case)
            minimal = oracle.differs(small) if small is not None else None
            if minimal is None:
                raise AssertionError(difference.report())
            raise AssertionError(minimal.report() + "\n\n(minimized from the generated case:)\n" + case.text())

    check()
    stats = oracle.stats
    print(f"oracle: {stats.cases} cases, {stats.rewritten} rewritten and compared, {stats.runs} runs, 0 differences;"
          f" rewritten per rule: {stats.rules}")
    assert stats.cases >= CASES
    assert stats.rewritten >= CASES // 3, "the generator must mostly make files slimfix rewrites"
    safe = {rule.code for rule in all_rules() if rule.fix_applicability == Applicability.SAFE}
    assert safe <= set(stats.rules), f"safe rules whose edits the generator never drew: {safe - set(stats.rules)}"


def test_every_shell_runs_each_run_in_a_fresh_shell(sandboxes) -> None:
    """The executor itself: a joined RUN and two RUNs differ where shell state crosses them."""
    two = "FROM debian:12\nWORKDIR /tmp/build\nRUN cd /tmp\nRUN touch here && echo $X\n"
    one = "FROM debian:12\nWORKDIR /tmp/build\nRUN cd /tmp && touch here && echo $X\n"
    for shell in ("dash", "bash", "busybox"):
        a, b = run(sandboxes, two, shell), run(sandboxes, one, shell)
        assert "/tmp/build/here" in files(a) and "/tmp/here" not in files(a)
        assert "/tmp/here" in files(b) and not same(a, b)
    env = run(sandboxes, "FROM x\nENV X=1\nWORKDIR /home/app\nRUN echo $X $HOME; pwd\n")
    assert env.stdout == b"1 /root\n/home/app\n"


def test_build_stops_at_the_first_failing_run(sandboxes) -> None:
    outcome = run(sandboxes, "FROM x\nWORKDIR /tmp\nRUN echo a > a\nRUN exit 3\nRUN echo b > b\n")
    assert (outcome.failed_run, outcome.status) == (1, 3)
    assert "/tmp/a" in files(outcome) and "/tmp/b" not in files(outcome)


def test_shell_instruction_and_busybox(sandboxes) -> None:
    text = 'FROM x\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN false | true\n'
    assert run(sandboxes, text).status == 1
    assert run(sandboxes, "FROM x\nRUN false | true\n", "busybox").status == 0
    assert run(sandboxes, "FROM x\nRUN echo ${BASH_VERSION:+bash}\n", "bash").stdout == b"bash\n"


def test_package_manager_stand_ins(sandboxes) -> None:
    outcome = run(sandboxes, "FROM x\nRUN apt-get install -y curl\n")
    assert (outcome.failed_run, outcome.status) == (0, 100), "no lists: apt-get cannot find packages"
    outcome = run(sandboxes, "FROM x\nWORKDIR /tmp\nRUN apt-get update && apt-get install -y curl git"
                             " && pip install flask && pip install --no-cache-dir six && gem install rake\n")
    assert outcome.failed_run is None
    names = {path for path, _, _ in outcome.files}
    assert {"/var/lib/installed/apt/curl", "/var/lib/installed/pip/six", "/root/.cache/pip/http/flask",
            "/var/lib/gems/doc/rake", "/var/lib/apt/lists/deb.debian.org_debian_dists_stable_InRelease"} <= names
    assert "/root/.cache/pip/http/six" not in names
    assert run(sandboxes, "FROM x\nRUN apk add failpkg\n").status == 1
    assert run(sandboxes, "FROM x\nRUN npm cache clean\n").status == 1
    assert run(sandboxes, "FROM x\nRUN curl -fsSL https://example.com/app\n").stdout == b"payload of https://example.com/app\n"


def test_only_the_designed_removals_are_ignored(sandboxes) -> None:
    before = run(sandboxes, "FROM x\nRUN apt-get update && apt-get install -y curl && pip install flask\n")
    after = run(sandboxes, "FROM x\nRUN apt-get update && apt-get install -y curl && pip install --no-cache-dir flask"
                           " && rm -rf /var/lib/apt/lists/*\n")
    assert same(before, after) and before.files != after.files
    assert not same(before, run(sandboxes, "FROM x\nRUN apt-get update && apt-get install -y curl && rm -rf /var/cache/apt\n"))
    npm = run(sandboxes, "FROM x\nWORKDIR /tmp\nRUN npm install express\n")
    assert same(npm, run(sandboxes, "FROM x\nWORKDIR /tmp\nRUN npm install express && npm cache clean --force\n"))
    home = "FROM x\nENV HOME=/home/app\nWORKDIR /tmp\nRUN pip install {}flask\n"
    assert same(run(sandboxes, home.format("")), run(sandboxes, home.format("--no-cache-dir ")))
    assert not same(npm, run(sandboxes, "FROM x\nWORKDIR /tmp\nRUN npm install express && mkdir -p /root/.npm/logs\n"))
    # a command that looks into a cache's own folder sees the removal itself: such commands are
    # not drawn (found by a long run: `pip install ... && ls ~/.cache`)
    cache = "FROM x\nENV HOME=/home/app\nWORKDIR /home/app\nRUN pip install {}flask && ls ~/.cache\n"
    a, b = run(sandboxes, cache.format("")), run(sandboxes, cache.format("--no-cache-dir "))
    assert compared(a.files, b.files) == compared(b.files, a.files) and not same(a, b)
    assert len(DESIGNED_REMOVALS) < 20, "keep the list of ignored paths small"


def test_known_differences_are_seen(sandboxes) -> None:
    """The issue's cases, joined by hand, and the differences the long runs found, fixed by hand:
    the oracle tells them apart from the original."""
    oracle = Oracle(sandboxes, all_shells=True)
    pairs = [
        ("RUN : ${X:=default}\nRUN echo \"$X\" > x\n", "RUN : ${X:=default} && echo \"$X\" > x\n"),
        ("RUN echo $((I=5))\nRUN echo \"$I\" > x\n", "RUN echo $((I=5)) && echo \"$I\" > x\n"),
        ("RUN command cd /tmp\nRUN touch here\n", "RUN command cd /tmp && touch here\n"),
        # after a RUN both run (once, shared: see sandbox.run_plans)
        ("RUN mkdir -p d && echo a > d/a\nRUN : ${X:=d}\nRUN echo \"$X\" > d/x\n",
         "RUN mkdir -p d && echo a > d/a\nRUN : ${X:=d} && echo \"$X\" > d/x\n"),
    ]
    for before, after in pairs:
        head = "FROM debian:12\nWORKDIR /tmp/build\n"
        assert oracle.compare(head + before, head + after, ("dash", "bash", "busybox")) is not None
    # the long run's case: pip's cache folder was what created the HOME that `cd` enters
    home = "FROM python:3.12-slim\nENV HOME=/home/app\nWORKDIR /tmp\nRUN pip install {}flask && cd && touch here\n"
    assert oracle.compare(home.format(""), home.format("--no-cache-dir "), ("dash", "bash", "busybox")) is not None
    assert fix_text(home.format(""), "Dockerfile", Settings()).output == home.format("")
    # a long run's case: without `apk update`, `exit` exits with the failed `cp`'s status
    status = "FROM alpine:3.20\nWORKDIR /tmp/build\nRUN cp f g; {}exit\n"
    assert oracle.compare(status.format("apk update && "), status.format(""), ("dash", "bash", "busybox")) is not None
    assert fix_text(status.format("apk update && "), "Dockerfile", Settings()).output == status.format("apk update && ")
    bash = 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nWORKDIR /tmp/build\n'
    assert oracle.compare(bash + "RUN printf -v V hi\nRUN echo \"$V\"\n", bash + "RUN printf -v V hi && echo \"$V\"\n",
                          ("dash",)) is not None


def test_runs_that_begin_alike_share_their_beginning(sandboxes) -> None:
    """Plans that begin with the same RUNs, sent together, run those RUNs once (the second
    starts from what they left: ``date +%N`` is the same in both) and end as when run alone."""
    head = ("FROM debian:12\nWORKDIR /tmp/build\nRUN date +%N > t && echo out && mkdir -p d/e && chmod 700 d"
            " && ln -s t link && chmod 1777 /var/cache/apt && rm -rf /var/lib/apt/lists && touch /var/lib/apt/lists"
            " && printf 'a\\0b' > bin && chmod 4751 bin && chmod 751 /home\n")
    tails = ["RUN cat t; ls -a d /var/lib/apt /var/cache/apt; stat -c %a /home; cat link bin\n",
             "RUN ls -a d /var/lib/apt && stat -c %a /home && cat bin && exit 4\n"]
    failing = ["FROM debian:12\nWORKDIR /tmp\nRUN echo one > one && false\nRUN echo {}\n".format(n) for n in (1, 2)]
    plans = [plan(head + tail) for tail in tails] + [plan(text) for text in failing]
    together = [result["dash"] for result in sandboxes.run([(p, ("dash",)) for p in plans])]
    alone = [sandboxes.run([(p, ("dash",))])[0]["dash"] for p in plans]

    def stamp(outcome) -> bytes:
        return next((content for path, _, content in outcome.files if path == "/tmp/build/t"), b"-")

    def without_stamp(outcome):
        return outcome._replace(stdout=outcome.stdout.replace(stamp(outcome), b""),
                                files=[f for f in outcome.files if f[0] != "/tmp/build/t"])

    assert stamp(together[0]) == stamp(together[1]) != stamp(alone[1]), "the first RUN ran once for both plans"
    assert [without_stamp(a) for a in together] == [without_stamp(b) for b in alone]
    assert [(a.failed_run, a.status) for a in together] == [(None, 0), (1, 4), (0, 1), (0, 1)]
    assert together[0].stdout.startswith(b"out\n") and together[0].stdout.endswith(b"a\0b")


def test_sandbox_runs_from_a_checkout_under_tmp(tmp_path) -> None:
    """The sandbox mounts a tmpfs over /tmp: it reads its stand-ins before."""
    if Sandboxes.unavailable() is not None:
        pytest.skip(Sandboxes.unavailable())
    here = Path(__file__).resolve().parent
    folder = Path("/tmp") / tmp_path.relative_to("/tmp") if str(tmp_path).startswith("/tmp/") else None
    if folder is None:
        pytest.skip("the temporary folder is not under /tmp")
    for name in ("sandbox.py", "stub.sh"):
        (folder / name).write_text((here / name).read_text())
    with Sandboxes(1, program=str(folder / "sandbox.py")) as pool:
        outcome = pool.run([(plan("FROM x\nRUN apt-get update && apk add curl\n"), ("dash",))])[0]["dash"]
    assert outcome.failed_run is None
    assert "/var/lib/installed/apk/curl" in {path for path, _, _ in outcome.files}


STATE_HEADS = {
    "sh": "FROM debian:12\nWORKDIR /tmp/build\n",
    "bash": 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nWORKDIR /tmp/build\n',
}


@pytest.mark.parametrize("state", STATE)
def test_each_state_change_then_each_observer(sandboxes, state: str) -> None:
    """Exhaustive where the generator samples: ``RUN <state>`` then ``RUN <observer>``, for every
    observer and writer, under /bin/sh (dash, bash, busybox) and under SHELL bash."""
    oracle = Oracle(sandboxes)
    first = f"echo 'line one' > f && {state}" if state.startswith(("read", "mapfile")) else state
    differences = []
    for head, shells in (("sh", ("dash", "bash", "busybox")), ("bash", ("dash",))):
        for observer in OBSERVERS + WRITERS:
            before = f"{STATE_HEADS[head]}RUN {first}\nRUN {observer}\n"
            after = fix_text(before, "Dockerfile", Settings()).output
            if after != before:
                difference = oracle.compare(before, after, shells)
                if difference is not None:
                    differences.append(difference.report())
    assert not differences, f"{len(differences)} differences; the first:\n" + differences[0]


def _pairs():
    """Fixture pairs of the rules whose fixes are safe (an unsafe rule's fixture applies its
    unsafe fixes, which are not claimed to keep what the build does)."""
    safe = {rule.code for rule in all_rules() if rule.fix_applicability == Applicability.SAFE}
    for case in sorted(FIXTURES.glob("SF0*/*.fixed.Dockerfile")):
        before = case.with_name(case.name.replace(".fixed.Dockerfile", ".Dockerfile"))
        if not before.name.startswith("unsafe-") and case.parent.name in safe:
            yield pytest.param(before, case, id=f"{case.parent.name}/{before.stem}")


@pytest.mark.parametrize("before, after", list(_pairs()))
def test_fixture_pairs_behave_alike(sandboxes, before: Path, after: Path) -> None:
    """Every safe fix a fixture shows, run: the same build, under all three shells."""
    oracle = Oracle(sandboxes, all_shells=True)
    difference = oracle.compare(before.read_text(), after.read_text(), ("dash", "bash", "busybox"))
    assert difference is None, difference.report()


def test_plan_runs_heredoc_scripts_as_buildkit_does() -> None:
    steps = plan("FROM alpine\nRUN <<EOF\necho a\necho b\nEOF\nRUN <<-EOF\n\techo c\n\tEOF\n"
                 "RUN cat <<EOF > f\nx\nEOF\nRUN <<EOF\n#!/bin/bash\necho d\nEOF\nONBUILD RUN echo e\n")
    assert [step.argv for step in steps] == [
        ("/bin/sh", "-c", "echo a\necho b\n"),  # the body is the script
        ("/bin/sh", "-c", "echo c\n"),  # <<- strips the tabs
        ("/bin/sh", "-c", "cat <<EOF > f\nx\nEOF"),  # the shell reads the heredoc
        ("/bin/bash", "-c", "echo d\n"),  # its interpreter runs it
    ]  # ONBUILD runs in images built from this one
