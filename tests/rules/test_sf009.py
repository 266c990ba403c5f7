"""SF009 rpm-package-cache-kept: what counts as cleaned, no-fix cases, agreement with hadolint."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text

from .conftest import hadolint_codes


def _run(text: str):
    return fix_text(text, "Dockerfile", Settings(select=("SF009",)))


@pytest.mark.parametrize("run", [
    "RUN dnf install -y git && yum clean all",
    "RUN yum install -y git && rm -rf /var/cache/dnf",
    "RUN dnf5 install -y git && rm -rf /var/cache/libdnf5/*",
    "RUN zypper -n in git && zypper clean",
    "RUN dnf install -y git -C",
    "RUN microdnf --installroot /mnt/rootfs install -y git && microdnf --installroot /mnt/rootfs clean all",
])
def test_cleaned_runs_are_not_reported(run):
    assert _run(f"FROM fedora:40\n{run}\n").diagnostics == []


def test_a_partial_clean_is_not_enough():
    result = _run("FROM fedora:40\nRUN dnf install -y git && dnf clean packages\n")
    assert result.output.endswith("dnf clean packages && dnf clean all\n")


def test_a_clean_of_another_root_does_not_count():
    [diagnostic] = _run("FROM fedora:40\nRUN dnf --installroot /mnt install -y git && dnf clean all\n").diagnostics
    assert diagnostic.fix is None and "another root" in diagnostic.message


def test_each_tool_family_gets_its_own_cleanup():
    result = _run("FROM fedora:40\nRUN dnf install -y microdnf && microdnf install -y git\n")
    assert result.output.endswith("microdnf install -y git && dnf clean all && microdnf clean all\n")
    assert sorted(d.savings for d in result.fixed) == [30_000_000, 100_000_000]


@pytest.mark.parametrize("run, code", [
    ("RUN yum install -y httpd-2.4.6", "DL3032"),
    ("RUN dnf install -y httpd-2.4.6", "DL3040"),
    ("RUN microdnf install -y httpd-2.4.6", "DL3040"),
    ("RUN zypper install -y httpd=2.4.6", "DL3036"),
])
def test_hadolint_finding_is_gone_after_the_fix(tmp_path, run, code):
    text = f"FROM fedora:40\n{run}\n"
    before = hadolint_codes(text, tmp_path)
    if before is None:
        pytest.skip("hadolint is not installed")
    assert code in before
    after = hadolint_codes(_run(text).output, tmp_path)
    assert code not in after and set(after) <= set(before)
