"""SF016 ownership-changed-after-copy: the estimate comes from the build context."""

from __future__ import annotations

from slimfix.config import Settings
from slimfix.fixer import fix_text


def test_savings_are_the_size_of_the_copied_files(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "a.bin").write_bytes(b"x" * 3000)
    (tmp_path / "app" / "sub").mkdir()
    (tmp_path / "app" / "sub" / "b.bin").write_bytes(b"y" * 500)
    dockerfile = tmp_path / "Dockerfile"
    text = "FROM debian\nCOPY app/ /srv/app/\nRUN chown -R app:app /srv/app\n"
    dockerfile.write_text(text)
    [diagnostic] = fix_text(text, str(dockerfile), Settings(select=("SF016",)), fix=False).diagnostics
    assert diagnostic.savings == 3500


def test_no_estimate_without_the_context(tmp_path):
    text = "FROM debian\nCOPY app/ /srv/app/\nRUN chown -R app:app /srv/app\n"
    [diagnostic] = fix_text(text, str(tmp_path / "Dockerfile"), Settings(select=("SF016",)), fix=False).diagnostics
    assert diagnostic.savings == 0 and diagnostic.fix is not None
