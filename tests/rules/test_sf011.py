"""SF011 (single-stage build): what it reports, why it gives up, the image table, the corpus."""

from __future__ import annotations

import os
from pathlib import Path

import dockerfile
import pytest

from slimfix import parse
from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.rules import Applicability, get_rule, select_rules
from slimfix.semantics.context import FileContext
from slimfix.semantics.images import ImageRef, family_of, runtime_variant
from slimfix.rules.stage_split import analyse

from .conftest import FIXTURES, comment_lines

CASES = FIXTURES / "SF011"
SF011 = Settings(select=("SF011",))


def read(name: str) -> str:
    with open(CASES / name, encoding="utf-8", newline="") as handle:
        return handle.read()


def finding(text: str):
    return analyse(FileContext(parse(text)))


def stages(text: str) -> list:
    """(FROM line, instructions) of each stage of ``text``."""
    out = []
    for stage in parse(text).stages:
        out.append((stage.from_instruction.original, [i.original for i in stage.instructions]))
    return out


# --- selection and applicability ---------------------------------------------------------------


def test_runs_only_when_selected_by_its_code():
    rule = get_rule("SF011")
    assert rule.explicit_only and rule.fix_applicability is Applicability.UNSAFE
    assert rule not in select_rules()
    assert rule not in select_rules(["ALL"]) and rule not in select_rules(["SF"])
    assert rule in select_rules(["SF011"])
    source = read("blog3-alpine-build-packages.Dockerfile")
    for settings in (Settings(), Settings(select=("ALL",), unsafe_fixes=True)):
        result = fix_text(source, "Dockerfile", settings)
        assert all(d.code != "SF011" for d in result.diagnostics + result.fixed)
        assert len(parse(result.output).stages) == 1


def test_fix_applies_when_selected_explicitly_or_by_extension():
    source = read("blog3-alpine-build-packages.Dockerfile")
    expected = read("blog3-alpine-build-packages.fixed.Dockerfile")
    assert fix_text(source, "Dockerfile", SF011).output == expected
    extended = fix_text(source, "Dockerfile", Settings(extend_select=("SF011",)))
    assert "SF011" in {d.code for d in extended.fixed}
    assert len(parse(extended.output).stages) == 2


# --- the blog's Dockerfiles take the shape of its multi-stage one -------------------------------


@pytest.mark.parametrize("case", ["blog3-alpine-build-packages", "blog4-alpine-virtual-group"])
def test_alpine_python_splits_like_the_multi_stage_dockerfile(case):
    result = fix_text(read(f"{case}.Dockerfile"), "Dockerfile", SF011)
    (builder_from, builder), (final_from, final) = stages(result.output)
    assert builder_from == "FROM python:3.8-alpine AS builder"  # no empty stage only to name the base
    assert builder[-1].startswith("RUN ") and "pip install --prefix=/install -r /requirements.txt" in builder[-1]
    assert any("gcc python3-dev musl-dev linux-headers postgresql-dev" in line for line in builder)
    assert final_from == "FROM python:3.8-alpine"
    assert final == [
        "RUN apk --no-cache add libpq",
        "COPY --from=builder /install /usr/local",
        "COPY src /app",
        "WORKDIR /app",
    ]


def test_the_estimate_is_what_the_runtime_stage_drops():
    """The full image's measured packages with the build's own, each once, less what the runtime
    stage installs (libpq5 for libpq-dev), plus the apt lists the original keeps."""
    from slimfix.semantics.savings import apt_lists_size, packages_size

    text = "FROM python:3.11\nRUN apt-get update\nRUN apt-get install -y libpq-dev gcc\nRUN pip install psycopg2\n"
    [diagnostic] = fix_text(text, "Dockerfile", SF011).fixed
    dropped = packages_size("apt", ["python-full", "libpq-dev", "gcc"], present=["libpq5"])
    assert diagnostic.savings == dropped + apt_lists_size("python:3.11")
    assert dropped < packages_size("apt", ["python-full"])  # libpq5 stays


def test_full_debian_image_runs_on_its_slim_variant():
    result = fix_text(read("blog1-full-python-image.Dockerfile"), "Dockerfile", SF011)
    [diagnostic] = result.fixed
    assert "run on python:3.8-slim" in diagnostic.message
    assert diagnostic.savings >= 500_000_000
    (builder_from, builder), (final_from, final) = stages(result.output)
    assert builder_from == "FROM python:3.8 AS builder"
    assert builder[0] == "COPY requirements.txt /requirements.txt"
    # the packages owning the libraries of what pip built are listed for the slim runtime stage
    assert builder[1].split()[:8] == "RUN pip install --prefix=/install -r /requirements.txt && find".split()
    assert builder[1].endswith("dpkg-query --search | cut -d: -f1 | sort -u > /install/.runtime-packages")
    assert final_from == "FROM python:3.8-slim"
    assert final[0].split() == (
        "RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client "
        "&& rm -rf /var/lib/apt/lists/*").split()
    assert final[1] == "COPY --from=builder /install /usr/local"
    assert final[2].split()[:6] == "RUN if [ -s /usr/local/.runtime-packages ];".split()
    assert final[3:] == ["COPY src /app", "WORKDIR /app"]


def test_dev_packages_give_way_to_their_runtime_libraries():
    output = fix_text(read("debian-slim-build-packages.Dockerfile"), "Dockerfile", SF011).output
    final = stages(output)[-1][1]
    install = next(line for line in final if "apt-get install" in line).split()
    assert {"libpq5", "libxml2", "libxslt1.1", "curl"} <= set(install)
    assert not {"gcc", "libpq-dev", "libxml2-dev", "libxslt1-dev"} & set(install)


def test_node_build_prunes_dev_dependencies_and_copies_the_app():
    output = fix_text(read("node-full-image.Dockerfile"), "Dockerfile", SF011).output
    (builder_from, builder), (final_from, final) = stages(output)
    assert builder_from == "FROM node:20 AS builder" and final_from == "FROM node:20-slim"
    assert builder[-1].split()[:11] == "RUN npm run build && npm prune --omit=dev && find /usr/src/app".split()
    assert "COPY --from=builder /usr/src/app /usr/src/app" in final
    runs = [line for line in final if line.startswith(("COPY . .", "RUN"))]
    assert len(runs) == 1 and "xargs apt-get install" in runs[0]  # only the libraries the build links


def test_go_binary_runs_on_a_plain_base_with_the_ca_certificates():
    output = fix_text(read("go-full-image.Dockerfile"), "Dockerfile", SF011).output
    (builder_from, builder), (final_from, final) = stages(output)
    assert builder_from == "FROM golang:1.22-bookworm AS builder" and final_from == "FROM debian:bookworm-slim"
    assert "COPY go.mod go.sum ./" in builder and "COPY go.mod go.sum ./" not in final
    assert "COPY . ." in final  # the program may read files that come with its source
    assert final[3:5] == [
        "COPY --from=builder /usr/local/bin/server /usr/local/bin/server",
        "COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt",
    ]


def test_go_on_a_tag_whose_release_moves_is_not_split():
    text = read("go-full-image.Dockerfile").replace("golang:1.22-bookworm", "golang:1.22")
    assert finding(text) is None
    assert fix_text(text, "Dockerfile", SF011).output == text


def test_the_verify_scenario_keeps_only_the_installed_package():
    """tests/verify builds this pair: the runtime stage adds one layer, the installed package."""
    output = read("verify-cext-app.fixed.Dockerfile")
    assert fix_text(read("verify-cext-app.Dockerfile"), "Dockerfile", SF011).output == output
    assert stages(output)[-1][1] == [
        "COPY --from=builder /install /usr/local",
        'CMD ["python", "-c", "import fastsum; print(fastsum.total(2, 3))"]',
    ]


# --- what is left alone, and why ---------------------------------------------------------------


@pytest.mark.parametrize(
    "case, reason",
    [
        ("editable-install", "an editable install (-e) keeps its build in the source tree (line 4)"),
        ("unplaceable-command", "cannot tell whether `python manage.py collectstatic --noinput` on line 5"),
        ("virtualenv", "a virtualenv is made on line 2"),
        ("node-without-workdir", "npm on line 3 runs outside a WORKDIR"),
        ("make-build", "the build's outputs cannot be located"),
        ("go-build-without-output", "go build on line 4 has no literal -o"),
    ],
)
def test_gives_up_and_says_why(case, reason):
    result = fix_text(read(f"{case}.Dockerfile"), "Dockerfile", SF011)
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "SF011" and diagnostic.fix is None and not result.changed
    assert f"(no automatic fix: {reason}" in diagnostic.message


@pytest.mark.parametrize("case", ["already-multi-stage", "no-build-tooling", "windows-base"])
def test_reports_nothing(case):
    assert finding(read(f"{case}.Dockerfile")) is None


def test_upgrading_pip_alone_installs_no_dependencies():
    assert finding("FROM python:3.12\nRUN pip install --upgrade pip setuptools wheel\n") is None


@pytest.mark.parametrize(
    "text, reason",
    [
        ("FROM python:3.12\nUSER app\nRUN pip install flask\n", "pip runs as USER app"),
        ("FROM python:3.12\nENV PIP_USER=1\nRUN pip install flask\n", "ENV PIP_USER on line 2"),
        ("FROM python:3.12\nRUN pip install --user flask\n", "pip --user installs into the home directory"),
        ("FROM python:3.12 AS builder\nRUN pip install flask\n", "already named 'builder'"),
        ("FROM python:3.12\nRUN [\"pip\", \"install\", \"flask\"]\n", "the RUN on line 2 is in exec form"),
        ("FROM python:3.12\nRUN pip install flask || true\n", "more than a list of commands"),
        ("FROM node:20\nWORKDIR /app\nRUN npm install -g pm2 && npm ci\n", "installs a global package"),
        ("FROM node:20-alpine\nWORKDIR /app\nRUN apk add g++ && npm ci && pip install x\n", "both node and python"),
        ("FROM python:3.12-alpine\nRUN apk add gcc foo-dev && pip install x\n", "runtime package of foo-dev"),
        ("FROM python:3.12\nRUN pip install x\nRUN make\n", "`make` on line 3 needs the build tooling"),
        ("FROM python:3.12\nRUN pip install x\nRUN ./install.sh\n", "whether `./install.sh` on line 3 needs the build"),
    ],
)
def test_reasons(text, reason):
    result = finding(text)
    assert result is not None and result.plan is None
    assert reason in result.reason


def test_a_pinned_digest_keeps_the_base_image_in_both_stages():
    text = "FROM python:3.12@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y gcc\nRUN pip install x\n"
    plan = finding(text).plan
    assert plan.runtime_image is None
    froms = [f for f, _ in stages(fix_text(text, "Dockerfile", SF011).output)]
    assert froms == ["FROM python:3.12@sha256:" + "a" * 64 + " AS builder", "FROM python:3.12@sha256:" + "a" * 64]


def test_arg_in_the_tag_is_kept_where_the_variant_only_adds_a_suffix():
    assert finding("ARG V=3.12\nFROM python:${V}\nRUN pip install x\n").plan.runtime_image == "python:${V}-slim"
    # python:3.12-bookworm becomes python:3.12-slim-bookworm: not a suffix, so no switch (and no
    # build packages: nothing to report)
    assert finding("ARG V=3.12-bookworm\nFROM python:${V}\nRUN pip install x\n") is None


# --- the image table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, variant",
    [
        ("python:3.8", "python:3.8-slim"),
        ("python:3.11-bookworm", "python:3.11-slim-bookworm"),
        ("python", "python:slim"),
        ("docker.io/library/python:3.12", "docker.io/library/python:3.12-slim"),
        ("node:20", "node:20-slim"),
        ("node:lts-bookworm", "node:lts-bookworm-slim"),
        ("ruby:3.3", "ruby:3.3-slim"),
        ("eclipse-temurin:17-jdk-jammy", "eclipse-temurin:17-jre-jammy"),
        ("openjdk:11", "openjdk:11-jre-slim"),
        ("golang:1.22-bookworm", "debian:bookworm-slim"),
        ("golang:1.22-bullseye", "debian:bullseye-slim"),
        # tags that move to the next Debian or Alpine release: no fixed runtime image
        ("golang:1.22", None),
        ("golang:latest", None),
        ("golang", None),
        ("golang:1.22-alpine", None),
        ("golang:1.22-alpine3.19", "alpine:3.19"),
        ("python:3.11-slim", None),
        ("python:3.11-alpine", None),
        ("node:20-alpine", None),
        ("openjdk:17", None),
        ("python:3.11@sha256:" + "0" * 64, None),
        ("registry.example.com/base/python:3.11", None),
        ("circleci/python:3.11", None),
    ],
)
def test_runtime_variants(image, variant):
    assert runtime_variant(ImageRef.parse(image)) == variant


def test_families():
    assert family_of(ImageRef.parse("python:3.11")).python_prefix == "/usr/local"
    assert family_of(ImageRef.parse("localhost:5000/team/python:3")).name == "python"  # a mirror
    assert family_of(ImageRef.parse("circleci/python:3.11")) is None  # another image of that name
    assert family_of(ImageRef.parse("ubuntu:22.04")) is None


# --- real-world files ----------------------------------------------------------------------------

CORPUS = os.environ.get("SLIMFIX_CORPUS")


@pytest.mark.skipif(not CORPUS, reason="SLIMFIX_CORPUS is not set")
def test_rewrites_of_the_corpus_parse_and_settle():
    rewritten, failures = 0, []
    for path in sorted(Path(CORPUS).rglob("*")):
        if not path.is_file() or path.suffix in (".tsv", ".txt", ".py", ".sh", ".md", ".json", ".log"):
            continue
        try:
            text = path.read_bytes().decode("utf-8")
            dockerfile.parse_string(text)
        except (UnicodeDecodeError, dockerfile.GoParseError):
            continue
        result = fix_text(text, str(path), SF011)
        if result.internal_error:
            failures.append(f"{path}: {result.internal_error.splitlines()[0]}")
        if not result.changed:
            continue
        rewritten += 1
        try:
            dockerfile.parse_string(result.output)
        except dockerfile.GoParseError as exc:
            failures.append(f"{path}: official parser rejects the rewrite: {exc}")
        if len(parse(result.output).stages) < 2:
            failures.append(f"{path}: the rewrite is not multi-stage")
        if fix_text(result.output, str(path), SF011).output != result.output:
            failures.append(f"{path}: a second run changes the rewrite")
        kept = set(comment_lines(result.output))
        if any(line not in kept for line in comment_lines(text)):
            failures.append(f"{path}: a comment is lost")
    assert not failures, "\n".join(failures[:20])
    assert rewritten > 0


NODE_START = "FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nCMD {cmd}\n"


def test_node_start_script_needing_a_dev_dependency_keeps_the_dev_dependencies(tmp_path):
    path = tmp_path / "Dockerfile"
    text = NODE_START.format(cmd='["npm", "start"]')
    (tmp_path / "package.json").write_text(
        '{"scripts": {"start": "ts-node src/index.ts"}, "devDependencies": {"ts-node": "^10"}}')
    kept = fix_text(text, str(path), SF011).output
    assert "FROM node:20-slim" in kept and "prune" not in kept
    (tmp_path / "package.json").write_text('{"scripts": {"start": "node index.js"}, "devDependencies": {"ts-node": "^10"}}')
    assert "npm prune --omit=dev" in fix_text(text, str(path), SF011).output


def test_node_started_with_npx_keeps_the_dev_dependencies():
    output = fix_text(NODE_START.format(cmd="npx nodemon index.js"), "Dockerfile", SF011).output
    assert "FROM node:20-slim" in output and "prune" not in output


def test_workdir_with_a_heredoc_marker_is_no_app_directory():
    text = "FROM node:20\nWORKDIR /app <<EOF\nCOPY package.json .\nRUN npm install\nCOPY . .\nCMD [\"node\", \"index.js\"]\n"
    found = finding(text)
    assert found.plan is None and "outside a WORKDIR" in found.reason
    assert fix_text(text, "Dockerfile", SF011).output == text


def test_build_only_python_tools_stay_in_the_builder():
    text = "FROM python:3.11\nRUN pip install --upgrade pip cython\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    (_, builder), (_, final) = stages(fix_text(text, "Dockerfile", SF011).output)
    assert builder[0] == "RUN pip install --upgrade pip cython"  # not into the prefix the runtime copies
    assert not any("cython" in line for line in final)


REQUIREMENTS_APP = "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"


def test_the_builder_copies_only_the_requirement_file_it_reads(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask==3.0\n# a comment\nrequests>=2\n")
    output = fix_text(REQUIREMENTS_APP, str(tmp_path / "Dockerfile"), SF011).output
    (_, builder), (_, final) = stages(output)
    assert builder[:2] == ["WORKDIR /app", "COPY requirements.txt ./"]
    assert "COPY . ." in final


@pytest.mark.parametrize("requirements", ["-e .\n", "-r base.txt\n", "./wheels/x.whl\n", "pkg @ file:///src/pkg\n", None])
def test_the_builder_keeps_the_whole_copy_when_the_requirements_may_read_more(tmp_path, requirements):
    if requirements is not None:
        (tmp_path / "requirements.txt").write_text(requirements)
    output = fix_text(REQUIREMENTS_APP, str(tmp_path / "Dockerfile"), SF011).output
    (_, builder), _ = stages(output)
    assert builder[1] == "COPY . ."
