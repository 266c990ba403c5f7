"""The automatic run-time checks: reading the probe's lines, comparing two images, what is probed."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from slimfix.verify.checks import compare, entry_programs, parse, shipped_paths
from slimfix.verify.instructions import final_stage, read_instructions


ORIGINAL = """probe\t1
lib\t/usr/local/lib/x.so\tlibpq.so.5\tfound
lib\t/usr/local/lib/x.so\tlibc.so.6\tfound
lib\t/usr/local/lib/y.so\tlibgone.so.1\tmissing
program\tpython\t/usr/local/bin/python
program\t/app/run.sh\t/app/run.sh
interpreter\t/app/run.sh\t/bin/bash\tfound
py\tlinked\tlinked\tok\t
py\tbroken\tbroken\tfail\tImportError: no
node\t/app\texpress\tok\trequire
tool\tnode\tmissing
"""


def rewritten(*changes: tuple[str, str]) -> str:
    text = ORIGINAL
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text


def test_same_facts_pass():
    result = compare(parse(ORIGINAL.splitlines()), parse(ORIGINAL.splitlines()))
    assert result.passed
    assert result.counts == {"libraries": 2, "python modules": 1, "node dependencies": 1, "programs": 2}


def test_whatever_worked_before_and_not_after_is_named():
    after = rewritten(
        ("libpq.so.5\tfound", "libpq.so.5\tmissing"),
        ("py\tlinked\tlinked\tok\t", "py\tlinked\tlinked\tfail\tImportError: libpq.so.5: cannot open"),
        ("node\t/app\texpress\tok", "node\t/app\texpress\tfail"),
        ("program\tpython\t/usr/local/bin/python", "program\tpython\t-"),
        ("/bin/bash\tfound", "/bin/bash\tmissing"),
    )
    result = compare(parse(ORIGINAL.splitlines()), parse(after.splitlines()))
    assert [p.explain() for p in result.problems] == [
        "shared library libpq.so.5 is missing (needed by /usr/local/lib/x.so)",
        "Python module linked no longer imports (linked: ImportError: libpq.so.5: cannot open)",
        "Node dependency express no longer resolves (required, from /app)",
        "the entry point's program python is missing",
        "the interpreter /bin/bash is missing (the first line of /app/run.sh)",
    ]


def test_what_failed_in_the_original_too_is_no_problem():
    after = rewritten(("py\tbroken\tbroken\tfail\tImportError: no", ""))
    assert compare(parse(ORIGINAL.splitlines()), parse(after.splitlines())).passed


def test_a_probe_that_did_not_run_claims_nothing():
    result = compare(parse(ORIGINAL.splitlines()), parse(["sh: not found"]))
    assert result.passed and "could not run in the rewritten image" in result.notes[0]


def test_shipped_paths_are_the_prefix_the_workdir_and_copy_destinations():
    text = (
        "FROM python:3 AS builder\nRUN pip install --prefix=/install x\n"
        "FROM python:3-slim\nWORKDIR /app\nCOPY --from=builder /install /usr/local\n"
        "COPY --chown=app:app src/ ./src\nCOPY run.sh /\nCOPY [\"a b\", \"/opt/a b\"]\nADD it's /x\n"
    )
    assert shipped_paths(final_stage(read_instructions(text)), "/srv") == [
        "/usr/local", "/app", "/app/src", "/opt/a b", "/x", "/srv"]


def test_entry_programs_follow_a_shell_command_to_its_program():
    assert entry_programs({"Cmd": ["python", "app.py"]}) == ["python"]
    assert entry_programs({"Entrypoint": ["/entry.sh"], "Cmd": ["serve"]}) == ["/entry.sh"]
    assert entry_programs({"Cmd": ["/bin/sh", "-c", "FOO=1 exec gunicorn app:app"]}) == ["/bin/sh", "gunicorn"]
    assert entry_programs({"Cmd": ["/bin/sh", "-c", "$APP serve"]}) == ["/bin/sh"]
    assert entry_programs({}) == []


def test_verify_reports_a_check_problem_as_breaking_without_a_smoke_command(docker_archive, tmp_path):
    from slimfix.verify import render_json, render_markdown, render_table, verify
    from slimfix.verify.builders import CommandResult
    import test_verify_api as api

    lost = rewritten(("libpq.so.5\tfound", "libpq.so.5\tmissing"))
    probes = {api.ORIGINAL: CommandResult(0, ORIGINAL), api.REWRITTEN: CommandResult(0, lost)}
    builder = api.StandInBuilder(api.IMAGES, docker_archive, probes)
    report = verify(api.ORIGINAL, api.REWRITTEN, tmp_path, builder=builder)
    assert report.smoke is None and report.verdict == "breaking" and not report.recommended
    assert "BREAKING: shared library libpq.so.5 is missing (needed by /usr/local/lib/x.so)" in render_table(report)
    assert "- shared library libpq.so.5 is missing" in render_markdown(report)
    assert '"kind": "library"' in render_json(report)




def test_packages_go_right_after_the_final_from():
    from slimfix.verify.repair import with_packages

    text = "FROM a AS builder\nRUN make\n\nfrom b\ncopy --from=builder /x /x\n"
    assert with_packages(text, ["libpq5", "libxml2"]) == (
        "FROM a AS builder\nRUN make\n\nfrom b\n"
        "run apt-get update && apt-get install -y --no-install-recommends libpq5 libxml2"
        " && rm -rf /var/lib/apt/lists/*\ncopy --from=builder /x /x\n")
    assert with_packages("FROM a\r\n", ["p"]).endswith("/var/lib/apt/lists/*\r\n")


def test_the_probe_reads_glibc_and_musl_loaders(tmp_path):
    """probe.sh run here with a stand-in ldd that answers as glibc's and musl's do."""
    import subprocess

    from slimfix.verify.checks import _probe_text

    app = tmp_path / "app"
    app.mkdir()
    for name in ("glibc.so", "musl.so"):
        (app / name).write_bytes(b"\x7fELF")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ldd").write_text(
        "#!/bin/sh\n"
        'case $1 in\n'
        '  *glibc.so) printf "\\tlinux-vdso.so.1 (0x1)\\n\\tlibpq.so.5 => /usr/lib/libpq.so.5 (0x2)\\n'
        '\\tlibgone.so.1 => not found\\n" ;;\n'
        '  *musl.so) echo "Error loading shared library libxml2.so.2: No such file or directory (needed by $1)" >&2;'
        " exit 127 ;;\n"
        "esac\n"
    )
    (bin_dir / "ldd").chmod(0o755)
    argv = ["sh", "-c", _probe_text("probe.sh"), "probe", str(app), "", "", "", "raise SystemExit(0)", ""]
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    output = subprocess.run(argv, capture_output=True, text=True, env=env, check=False).stdout
    facts = parse(output.splitlines())
    assert facts.libraries == {
        (str(app / "glibc.so"), "libpq.so.5"): True,
        (str(app / "glibc.so"), "libgone.so.1"): False,
        (str(app / "musl.so"), "libxml2.so.2"): False,
    }
    assert facts.library_paths == {"libpq.so.5": "/usr/lib/libpq.so.5"}
