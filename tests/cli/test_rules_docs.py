"""`slimfix rules`, `slimfix rule CODE`, --explain, and docs/rules/ kept in sync."""

from __future__ import annotations

import json

from slimfix import docs, regenerate
from slimfix.rules import all_rules

from .conftest import REPO, invoke


def test_rules_lists_every_rule_with_code_name_and_fix_safety():
    result = invoke(["rules"])
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["code", "name", "fix"]
    rules = all_rules()
    assert len(lines) == len(rules) + 1
    for line, rule in zip(lines[1:], rules):
        assert line.split()[:3] == [rule.code, rule.name, rule.fix_applicability.label]


def test_rules_as_json():
    listed = json.loads(invoke(["rules", "--output-format", "json"]).stdout)
    assert [(r["code"], r["name"], r["fix"]) for r in listed] == [
        (r.code, r.name, r.fix_applicability.label) for r in all_rules()
    ]


def test_rule_prints_its_documentation():
    result = invoke(["rule", "SF001"])
    assert result.code == 0
    assert result.stdout.startswith("# SF001: consecutive-run-instructions\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
        assert section in result.stdout
    assert invoke(["rule", "consecutive-run-instructions"]).stdout == result.stdout
    assert invoke(["--explain", "sf001"]).stdout == result.stdout


def test_unknown_rule_is_an_error():
    result = invoke(["rule", "SF999"])
    assert result.code == 2
    assert result.stderr == "slimfix: error: unknown rule 'SF999' (see `slimfix rules`)\n"


def test_every_rule_has_the_documented_sections():
    for rule in all_rules():
        sections = docs.sections(rule)
        for name in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"):
            assert sections.get(name), f"{rule.code}: missing '## {name}'"


def test_rule_pages_are_in_sync():
    stale = docs.differences(REPO / "docs" / "rules")
    assert not stale, "\n".join(stale) + "\nregenerate with: python -m slimfix.regenerate"


def test_docs_module_writes_and_checks_pages(tmp_path):
    folder = tmp_path / "rules"
    assert regenerate.update_pages(folder, check=True) == 1
    assert regenerate.update_pages(folder, check=False) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(["README.md", *(f"{r.code}.md" for r in all_rules())])
    assert regenerate.update_pages(folder, check=True) == 0
    (folder / "SF001.md").write_text("edited by hand\n")
    (folder / "SF998.md").write_text(docs.GENERATED + "\n# an old rule\n")
    assert docs.differences(folder) == [f"{folder / 'SF001.md'}: out of date", f"{folder / 'SF998.md'}: no such rule any more"]
    regenerate.update_pages(folder, check=False)
    assert docs.differences(folder) == [] and not (folder / "SF998.md").exists()
