"""Bad input and failed writes: one line on stderr each, exit 2, the other files
still processed, and no file's bytes lost."""

from __future__ import annotations

import os
import stat

import pytest

from slimfix import fixer, runner
from slimfix.config import Settings
from slimfix.files import SourceError, read_source, write_atomic
from slimfix.rules import all_rules

from .conftest import JOINABLE, JOINED, invoke, run, write

BAD_INPUTS = {
    "binary": (b"FROM alpine\n\x00\x01\x02", "bad/Dockerfile: binary file, not a Dockerfile"),
    "not-utf8": (b"FROM alpine\nRUN echo caf\xe9\n", "bad/Dockerfile:2:13: not UTF-8 text (invalid continuation byte)"),
    "parse-error": (b"FROM alpine\nRUN a\nFROBNICATE now\n", "bad/Dockerfile:3:1: unknown instruction: FROBNICATE"),
}


def _errors(stderr: str):
    return [line for line in stderr.splitlines() if line]


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
@pytest.mark.parametrize("mode", ["fix", "check", "diff"])
def test_bad_input_is_one_line_and_exit_2(case, mode, tmp_path):
    raw, message = BAD_INPUTS[case]
    bad = write(tmp_path / "bad" / "Dockerfile", raw)
    good = write(tmp_path / "good" / "Dockerfile", JOINABLE)
    flags = [] if mode == "fix" else [f"--{mode}"]
    result = run([*flags, "--select", "SF001", "bad", "good"], cwd=tmp_path)
    assert result.code == 2
    assert [line for line in _errors(result.stderr) if line.startswith("bad/")] == [message]
    assert _errors(result.stderr)[0] == message
    assert bad.read_bytes() == raw
    assert good.read_text() == (JOINED if mode == "fix" else JOINABLE)
    report = result.stdout if mode != "diff" else result.stderr
    assert "1 file could not be processed" in report
    if mode == "diff":
        assert result.stdout.startswith("--- a/good/Dockerfile\n")


def test_read_only_file_is_not_rewritten(tmp_path):
    locked = write(tmp_path / "locked" / "Dockerfile", JOINABLE)
    good = write(tmp_path / "good" / "Dockerfile", JOINABLE)
    locked.chmod(0o444)
    result = run(["--select", "SF001", "locked", "good"], cwd=tmp_path)
    assert result.code == 2
    assert _errors(result.stderr) == ["locked/Dockerfile: read-only file; not rewritten"]
    assert locked.read_text() == JOINABLE and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert good.read_text() == JOINED
    assert run(["--check", "--select", "SF001", "locked"], cwd=tmp_path).code == 1  # reading is fine


def test_missing_file_is_an_error_and_the_rest_is_processed(tmp_path):
    good = write(tmp_path / "Dockerfile", JOINABLE)
    result = run(["--select", "SF001", "gone/Dockerfile", "Dockerfile"], cwd=tmp_path)
    assert result.code == 2
    assert _errors(result.stderr) == ["gone/Dockerfile: no such file"]
    assert good.read_text() == JOINED


def test_errors_in_parallel_runs(tmp_path):
    for i in range(40):
        write(tmp_path / f"svc{i:02}" / "Dockerfile", JOINABLE)
    bad = write(tmp_path / "svc07" / "Dockerfile", b"\xff\xfe")
    result = run(["--select", "SF001", "-j", "2", "."], cwd=tmp_path)
    assert result.code == 2
    assert _errors(result.stderr) == ["svc07/Dockerfile:1:1: not UTF-8 text (invalid start byte)"]
    assert bad.read_bytes() == b"\xff\xfe"
    assert (tmp_path / "svc39" / "Dockerfile").read_text() == JOINED
    assert "39 files rewritten, 0 left unchanged: 39 fixes (SF001: 39)." in result.stdout


def _fix_then(action):
    """fix_text that runs ``action(path)`` after fixing, as if another program
    touched the file while slimfix worked on it."""
    real = fixer.fix_text

    def fix_text(text, path, settings, fix=True, **options):
        result = real(text, path, settings, fix=fix, **options)
        action(path)
        return result

    return fix_text


def test_file_changed_on_disk_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    path = write(tmp_path / "Dockerfile", JOINABLE)
    monkeypatch.setattr(runner, "fix_text", _fix_then(lambda p: write(tmp_path / "Dockerfile", "FROM other\n")))
    result = runner.run_job(runner.Job(str(path), Settings(select=("SF001",)), write=True))
    assert result.error == f"{path}: changed on disk since it was read; not rewritten"
    assert path.read_text() == "FROM other\n"
    assert result.fixed == [] and not result.changed


def test_file_removed_meanwhile_is_reported(tmp_path, monkeypatch):
    path = write(tmp_path / "Dockerfile", JOINABLE)
    monkeypatch.setattr(runner, "fix_text", _fix_then(lambda p: os.unlink(p)))
    result = runner.run_job(runner.Job(str(path), Settings(select=("SF001",)), write=True))
    assert result.error == f"{path}: removed since it was read; not rewritten"
    assert not path.exists()


def test_a_crashing_rule_leaves_its_file_alone(in_tmp, monkeypatch):
    rule = next(r for r in all_rules() if r.code == "SF001")

    def explode(ctx):
        if "boom" in ctx.text:
            raise RuntimeError("rule bug")
        return type(rule).check(rule, ctx)

    monkeypatch.setattr(rule, "check", explode)
    boom = write(in_tmp / "boom" / "Dockerfile", "# boom\n" + JOINABLE)
    good = write(in_tmp / "good" / "Dockerfile", JOINABLE)
    result = invoke(["--select", "SF001", "boom", "good"])
    assert result.code == 2
    assert _errors(result.stderr) == ["boom/Dockerfile: internal error: RuntimeError: rule bug; file left unchanged"]
    assert boom.read_text() == "# boom\n" + JOINABLE
    assert good.read_text() == JOINED


def test_write_keeps_mode_and_owner_and_follows_symlinks(tmp_path):
    real = write(tmp_path / "real" / "Dockerfile", JOINABLE)
    real.chmod(0o640)
    link = tmp_path / "Dockerfile"
    link.symlink_to(real)
    write_atomic(read_source(str(link)), JOINED)
    assert link.is_symlink() and real.read_text() == JOINED
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert [p.name for p in real.parent.iterdir()] == ["Dockerfile"], "no temporary file left behind"


def test_write_refuses_what_it_must_not_touch(tmp_path):
    path = write(tmp_path / "Dockerfile", JOINABLE)
    source = read_source(str(path))
    path.write_text("FROM changed\n")
    with pytest.raises(SourceError, match="changed on disk since it was read"):
        write_atomic(source, JOINED)
    assert path.read_text() == "FROM changed\n"
    with pytest.raises(SourceError, match="is a directory"):
        read_source(str(tmp_path))


def test_a_crash_of_slimfix_itself_exits_2_not_1(in_tmp, monkeypatch):
    import slimfix.discovery

    def broken(*args, **kwargs):
        raise RuntimeError("search bug")

    monkeypatch.setattr(slimfix.discovery, "discover", broken)
    write(in_tmp / "Dockerfile", JOINABLE)
    result = invoke(["--check"])
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == "slimfix: internal error: RuntimeError: search bug"


def test_unreadable_folder_is_an_error_and_the_rest_is_processed(in_tmp, monkeypatch):
    write(in_tmp / "locked" / "Dockerfile", JOINABLE)
    good = write(in_tmp / "good" / "Dockerfile", JOINABLE)
    real_scandir = os.scandir

    def scandir(path="."):  # as chmod 000 does for a user who is not root
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = invoke(["--select", "SF001", "--no-respect-gitignore", "locked", "good"])
    assert result.code == 2
    assert _errors(result.stderr) == ["locked: cannot read folder: Permission denied"]
    assert good.read_text() == JOINED


@pytest.mark.parametrize("config, message", [
    ('select = ["SF001"]\nignore = [\n', ".slimfix.toml:2:11: invalid TOML: "),
    ('select = ["SF001"]\nextend-select = ["SF002", "XX9"]\n',
     ".slimfix.toml:2:27: extend-select: no rule matches 'XX9' (see `slimfix rules`)"),
    ('ignore = ["SF999"]\n', ".slimfix.toml:1:11: ignore: no rule matches 'SF999' (see `slimfix rules`)"),
])
def test_bad_config_is_an_error_and_other_folders_still_run(in_tmp, config, message):
    bad = write(in_tmp / "bad" / "Dockerfile", JOINABLE)
    write(in_tmp / "bad" / ".slimfix.toml", config)
    good = write(in_tmp / "good" / "Dockerfile", JOINABLE)
    result = invoke(["--select", "SF001", "bad", "good"])
    assert result.code == 2
    errors = _errors(result.stderr)
    assert len(errors) == 1 and errors[0].startswith(os.path.realpath("bad") + "/" + message.split(":")[0])
    assert message in errors[0]
    assert bad.read_text() == JOINABLE and good.read_text() == JOINED


@pytest.mark.parametrize("mode", ["fix", "check", "diff"])
def test_bad_pragmas_are_errors_with_their_position(in_tmp, mode):
    text = "FROM debian:bookworm\n# slimfix: ignore[SF999]\nRUN apt-get update\n  # slimfix: ignor\nRUN apt-get install -y curl\n"
    bad = write(in_tmp / "bad.Dockerfile", text)
    good = write(in_tmp / "good.Dockerfile", JOINABLE)
    flags = [] if mode == "fix" else [f"--{mode}"]
    result = invoke([*flags, "--select", "SF001", "bad.Dockerfile", "good.Dockerfile"])
    assert result.code == 2
    # (--diff sends the report of findings to stderr too)
    assert [line for line in _errors(result.stderr) if line.startswith("bad") and ": SF" not in line] == [
        "bad.Dockerfile:2:1: pragma names unknown rule code SF999 (see `slimfix rules`)",
        "bad.Dockerfile:4:3: unreadable pragma '# slimfix: ignor'; write `# slimfix: ignore[CODE,...]` "
        "or `# slimfix: ignore-file[CODE,...]`",
    ]
    assert bad.read_text() == text
    assert good.read_text() == (JOINED if mode == "fix" else JOINABLE)
    if mode == "diff":
        assert "bad.Dockerfile" not in result.stdout and "good.Dockerfile" in result.stdout


def test_pipes_and_devices_are_skipped_with_an_error_never_read(in_tmp):
    os.mkfifo("pipe.Dockerfile")  # nobody writes to it: reading would block forever
    os.mkdir("found")
    os.mkfifo("found/Dockerfile")
    good = write(in_tmp / "good.Dockerfile", JOINABLE)
    result = run(["--select", "SF001", "pipe.Dockerfile", "/dev/zero", "found", "good.Dockerfile"], cwd=in_tmp)
    assert result.code == 2
    assert _errors(result.stderr) == [
        "pipe.Dockerfile: a named pipe, not a regular file; skipped",
        "/dev/zero: a character device, not a regular file; skipped",
        "found/Dockerfile: a named pipe, not a regular file; skipped",
    ]
    assert good.read_text() == JOINED


def test_files_over_the_size_limit_are_one_line_errors(in_tmp):
    big = write(in_tmp / "big.Dockerfile", JOINABLE + "# padding\n" * 110_000)  # 1.1 MB
    good = write(in_tmp / "good.Dockerfile", JOINABLE)
    result = invoke(["--select", "SF001", "--max-file-size", "1", "big.Dockerfile", "good.Dockerfile"])
    assert result.code == 2
    assert _errors(result.stderr) == [
        "big.Dockerfile: larger than the limit of 1,048,576 bytes; skipped (raise it with --max-file-size MB)"]
    assert good.read_text() == JOINED and big.read_text().startswith(JOINABLE)
    assert invoke(["--select", "SF001", "--max-file-size", "2", "big.Dockerfile"]).code == 0
    assert big.read_text().startswith(JOINED)
    piped = invoke(["--select", "SF001", "--max-file-size", "1", "-"], input=big.read_text() * 2)
    assert piped.code == 2
    assert _errors(piped.stderr)[0:1] == ["-: larger than the limit of 1,048,576 bytes; skipped (raise it with --max-file-size MB)"]


def test_default_size_limit_is_10_mb():
    from slimfix.files import MAX_FILE_SIZE

    assert MAX_FILE_SIZE == 10 * 1024 * 1024
    assert "--max-file-size MB" in invoke(["--help"]).stdout


def test_hard_linked_file_is_rewritten_through_every_name(tmp_path):
    path = write(tmp_path / "Dockerfile", JOINABLE)
    other = tmp_path / "other-name.Dockerfile"
    os.link(path, other)
    os.chmod(path, 0o640)
    result = run(["--select", "SF001", "Dockerfile"], cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert path.read_text() == JOINED and other.read_text() == JOINED
    assert os.stat(path).st_ino == os.stat(other).st_ino and os.stat(path).st_nlink == 2
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "other-name.Dockerfile"], "no backup left"


def test_hard_linked_write_keeps_a_backup_until_the_new_text_is_on_disk(tmp_path, monkeypatch):
    path = write(tmp_path / "Dockerfile", JOINABLE)
    os.link(path, tmp_path / "twin")
    source = read_source(str(path))
    seen = {}
    real_fsync = os.fsync

    def crash_on_second_fsync(fd):  # the first syncs the backup; "crash" before the file's own sync
        real_fsync(fd)
        seen["calls"] = seen.get("calls", 0) + 1
        if seen["calls"] == 2:
            seen["backups"] = {p.name: p.read_text() for p in tmp_path.glob(".Dockerfile.*.slimfix.bak")}
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash_on_second_fsync)
    with pytest.raises(SourceError, match="No space left on device"):
        write_atomic(source, JOINED)
    assert list(seen["backups"].values()) == [JOINABLE]
    assert path.read_text() == JOINABLE and (tmp_path / "twin").read_text() == JOINABLE  # undone


def test_each_bad_pragma_is_its_own_annotation(in_tmp):
    write(in_tmp / "Dockerfile", "FROM debian\n# slimfix: ignore[SF999]\nRUN true\n# slimfix: ignor\nRUN true\n")
    result = invoke(["--check", "--select", "SF001", "--output-format", "github", "Dockerfile"])
    assert result.code == 2
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert [e.split(",title=")[0] for e in errors] == ["::error file=Dockerfile,line=2,col=1",
                                                       "::error file=Dockerfile,line=4,col=1"]
