#!/usr/bin/env bash
# Install the shells the differential-execution oracle (tests/safety) runs RUNs under:
# dash, bash and busybox sh, plus unshare and mount (util-linux). Idempotent: quick
# when all is there. Exit status 3 means this machine cannot have them (not root, no
# apt); the oracle's tests then skip saying why.
set -euo pipefail

missing=()
for pair in dash:dash bash:bash busybox:busybox unshare:util-linux mount:mount; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
[[ ${#missing[@]} == 0 ]] && exit 0
say() { echo "setup-oracle: $*" >&2; }
[[ $(id -u) == 0 ]] || { say "installing ${missing[*]} needs root"; exit 3; }
command -v apt-get >/dev/null || { say "apt-get is not available to install ${missing[*]}"; exit 3; }
say "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { say "apt-get update failed"; exit 3; }
apt-get install -y -qq "${missing[@]}" >/dev/null || { say "apt-get install ${missing[*]} failed"; exit 3; }
