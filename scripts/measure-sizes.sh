#!/usr/bin/env bash
# Measure what the cleanups of SF002/SF013/SF014 (apt lists), SF007 (pip cache) and SF008 (npm
# cache) remove, on the local stand-in images of scripts/setup-buildah.sh (run it first):
#   apt lists: `du -sb` of /var/lib/apt/lists after `apt-get update` of each distribution
#     release's default suite set (as its official image lists them), from the Debian stand-in
#     with its apt settings (compressed indexes, no translations: the docker-gzip-indexes and
#     docker-no-languages settings the official Debian and Ubuntu images have);
#   pip cache: what pip's HTTP cache keeps after `pip install NAME`, per package, and for one
#     typical web application's requirements as a whole (python stand-in): the files pip
#     downloads for it (`pip download`), as PyPI's Cache-Control headers make pip keep each one.
#     Measured from the downloads because the proxy this machine reaches PyPI through strips
#     those headers, which leaves pip's cache empty in any build here;
#   npm cache: the same after `npm install NAME` in an empty project (node stand-in).
# Usage: measure-sizes.sh [lists|pip|npm]... (default: all); what is not measured again
# keeps its figures. Writes src/slimfix/semantics/measured_sizes.toml (and regenerates
# src/slimfix/_datatables.py).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=src/slimfix/semantics/measured_sizes.toml
DEBIAN=http://deb.debian.org/debian
SECURITY=http://deb.debian.org/debian-security
UBUNTU=http://archive.ubuntu.com/ubuntu
UBUNTU_SECURITY=http://security.ubuntu.com/ubuntu
# release, family, then source lines ("URI SUITE COMPONENTS...") separated by |
SUITE_SETS=(
  "trixie debian $DEBIAN trixie main|$DEBIAN trixie-updates main|$SECURITY trixie-security main"
  "bookworm debian $DEBIAN bookworm main|$DEBIAN bookworm-updates main|$SECURITY bookworm-security main"
  "bullseye debian $DEBIAN bullseye main|$DEBIAN bullseye-updates main|$SECURITY bullseye-security main"
  "noble ubuntu $UBUNTU noble main restricted universe multiverse|$UBUNTU noble-updates main restricted universe multiverse|$UBUNTU noble-backports main restricted universe multiverse|$UBUNTU_SECURITY noble-security main restricted universe multiverse"
  "jammy ubuntu $UBUNTU jammy main restricted universe multiverse|$UBUNTU jammy-updates main restricted universe multiverse|$UBUNTU jammy-backports main restricted universe multiverse|$UBUNTU_SECURITY jammy-security main restricted universe multiverse"
)
PIP_PACKAGES="requests flask django numpy pandas psycopg2-binary gunicorn fastapi uvicorn sqlalchemy boto3 pillow"
PIP_PROJECT="django gunicorn psycopg2-binary requests celery redis pillow whitenoise"
NPM_PACKAGES="express lodash axios react react-dom typescript webpack eslint jest nodemon"
NPM_PROJECT="express react react-dom axios lodash typescript webpack webpack-cli eslint jest"
PARTS=${*:-lists pip npm}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {  # image, script, arguments...
    local image=$1 script=$2 container
    shift 2
    container=$(buildah from --pull=false "$image")
    buildah copy "$container" "$script" /measure.sh >/dev/null
    local status=0
    buildah run --isolation chroot --network host "$container" -- bash /measure.sh "$@" || status=$?
    buildah rm "$container" >/dev/null  # also when the measurement failed
    return "$status"
}

cat > "$work/lists.sh" <<'INNER'
set -e
for set in "$@"; do
  read -r release family sources <<<"$set"
  echo "$sources" | tr '|' '\n' | sed 's/^/deb [trusted=yes] /' > /tmp/sources.list
  rm -rf /tmp/lists && mkdir -p /tmp/lists/partial
  apt-get update -qq -o Dir::Etc::SourceList=/tmp/sources.list -o Dir::Etc::SourceParts=/nonexistent \
    -o Dir::State::Lists=/tmp/lists >/dev/null
  rm -rf /tmp/lists/partial /tmp/lists/lock
  echo "lists $release $family $(du -sb /tmp/lists | cut -f1) $(echo "$sources" | awk -F'|' '{for (i=1;i<=NF;i++) {split($i, w, " "); printf "%s%s", (i>1?" ":""), w[2]}}')"
done
INNER

cat > "$work/pip.sh" <<'INNER'
set -e
size() {  # name, packages...
  local name=$1; shift
  rm -rf /tmp/downloads
  pip download -q --disable-pip-version-check --no-cache-dir -d /tmp/downloads "$@" >/dev/null
  echo "pip $name $(du -sb /tmp/downloads | cut -f1)"
}
for p in $1; do size "$p" "$p"; done
size project $2
INNER

cat > "$work/npm.sh" <<'INNER'
set -e
size() {  # name, packages...
  local name=$1; shift
  rm -rf /tmp/project /tmp/cache && mkdir /tmp/project && cd /tmp/project
  echo '{"name": "measure", "version": "1.0.0"}' > package.json
  npm install --cache /tmp/cache --no-audit --no-fund --loglevel=error "$@" >/dev/null
  echo "npm $name $(du -sb /tmp/cache | cut -f1)"
}
for p in $1; do size "$p" "$p"; done
size project $2
INNER

for part in $PARTS; do
    case $part in
        lists) measure localhost/slimfix-test/debian:bookworm "$work/lists.sh" "${SUITE_SETS[@]}" ;;
        pip) measure localhost/slimfix-test/python:3 "$work/pip.sh" "$PIP_PACKAGES" "$PIP_PROJECT" ;;
        npm) measure localhost/slimfix-test/node:18-slim "$work/npm.sh" "$NPM_PACKAGES" "$NPM_PROJECT" ;;
        *) echo "measure-sizes: unknown part $part" >&2; exit 2 ;;
    esac
done | tee "$work/raw"

python3 - "$work/raw" "$OUT" "$PIP_PROJECT" "$NPM_PROJECT" <<'FORMAT'
import datetime, os, sys, tomllib
raw, out_path, pip_project, npm_project = sys.argv[1:]
old = tomllib.load(open(out_path, "rb")) if os.path.exists(out_path) else {}
lists = {}
caches = {f"{tool}_cache": {} for tool in ("pip", "npm")}
for line in open(raw):
    kind, name, *rest = line.split()
    if kind == "lists":
        lists[name] = {"family": rest[0], "suites": " ".join(rest[2:]), "bytes": int(rest[1])}
    else:
        caches[f"{kind}_cache"][name] = int(rest[0])
lists = lists or old.get("apt_lists", {})
projects = {"pip_cache": pip_project, "npm_cache": npm_project}
for key in caches:
    if caches[key]:
        caches[key] = {"project_packages": projects[key], **caches[key]}
    else:
        caches[key] = old.get(key, {})
out = [
    "# Generated by scripts/measure-sizes.sh on the local stand-in images of scripts/setup-buildah.sh,",
    f"# measured {datetime.date.today().isoformat()}; bytes (du -sb).",
    "# [apt_lists.RELEASE]: /var/lib/apt/lists after `apt-get update` of the release's suite set",
    "# (compressed, without translations, as the official Debian and Ubuntu images keep them).",
    "# [pip_cache] / [npm_cache]: the cache one `pip install NAME` / `npm install NAME` leaves (pip's:",
    "# the files it downloads, see the script);",
    "# `project`: the same for one typical web application's dependencies installed at once.",
]
for release, entry in lists.items():
    out += ["", f"[apt_lists.{release}]", f'family = "{entry["family"]}"', f'suites = "{entry["suites"]}"',
            f'bytes = {entry["bytes"]}']
for key, table in caches.items():
    if table:
        out += ["", f"[{key}]", f'project_packages = "{table["project_packages"]}"']
        out += [f'"{name}" = {size}' for name, size in table.items() if name != "project_packages"]
open(out_path, "w").write("\n".join(out) + "\n")
FORMAT
echo "wrote $OUT"
PYTHONPATH=src "${PYTHON:-.venv/bin/python}" -m slimfix.regenerate  # the tables a run reads: src/slimfix/_datatables.py
