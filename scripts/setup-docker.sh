#!/usr/bin/env bash
# A Docker engine of slimfix's own for the build tests, beside buildah (scripts/setup-buildah.sh):
#   setup-docker.sh start   install docker.io if needed, start dockerd on a private socket and data
#                           root (no bridge, no iptables: builds use the host network), load the
#                           local test base images into it; prints the socket address
#   setup-docker.sh stop    stop the engine this script started
#   setup-docker.sh install only install docker.io
# The engine is separate from any system Docker (its own socket, data root and exec root), so it
# never disturbs one. Exit status 3: this machine cannot run it (not root, no apt, dockerd fails).
set -euo pipefail

ROOT=${SLIMFIX_DOCKER_ROOT:-/var/lib/slimfix-docker}
RUN=${SLIMFIX_DOCKER_RUN:-/run/slimfix-docker}
SOCKET=unix://$RUN/docker.sock
PIDFILE=$RUN/docker.pid
IMAGES="localhost/slimfix-test/debian:bookworm localhost/slimfix-test/python:3 localhost/slimfix-test/python:3-full"
# overlay2 works on this kind of host; vfs is the fallback that works wherever dockerd does.
DRIVERS=${SLIMFIX_DOCKER_DRIVERS:-overlay2 vfs}

say() { echo "setup-docker: $*" >&2; }
cannot() { say "cannot run a Docker engine: $*"; exit 3; }

install_docker() {
    command -v dockerd >/dev/null && [[ -x /usr/bin/docker ]] && return
    [[ $(id -u) == 0 ]] || cannot "installing docker.io needs root"
    command -v apt-get >/dev/null || cannot "apt-get is not available"
    say "installing docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || cannot "apt-get update failed"
    apt-get install -y -qq --no-install-recommends docker.io >/dev/null || cannot "apt-get install docker.io failed"
}

docker_() { /usr/bin/docker -H "$SOCKET" "$@"; }

running() { [[ -s $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && docker_ version >/dev/null 2>&1; }

start_engine() {
    local driver log
    mkdir -p "$ROOT" "$RUN"
    for driver in $DRIVERS; do
        log=$RUN/dockerd-$driver.log
        dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver="$driver" \
            --data-root "$ROOT/$driver" --exec-root "$RUN/exec" -H "$SOCKET" --pidfile "$PIDFILE" \
            >"$log" 2>&1 </dev/null &
        for _ in $(seq 60); do
            running && return 0
            kill -0 $! 2>/dev/null || break
            sleep 0.5
        done
        say "dockerd with $driver did not start: $(grep -m1 -iE 'level=(fatal|error)|failed' "$log" || tail -n1 "$log")"
        kill $! 2>/dev/null || true
        wait $! 2>/dev/null || true
    done
    cannot "dockerd did not start with any of: $DRIVERS (logs in $RUN)"
}

load_images() {  # from buildah's store, once per image id
    local image id
    for image in $IMAGES; do
        id=$(buildah inspect --type image --format '{{.FromImageID}}' "$image" 2>/dev/null) || continue
        [[ $(docker_ image inspect --format '{{index .Config.Labels "slimfix-test.id"}}' "$image" 2>/dev/null) == "$id" ]] && continue
        say "loading $image"
        buildah push -q "$image" "docker-archive:$RUN/image.tar:$image"
        docker_ load -q -i "$RUN/image.tar" >/dev/null
        rm -f "$RUN/image.tar"
        printf 'FROM %s\nLABEL slimfix-test.id=%s\n' "$image" "$id" | docker_ build -q -t "$image" - >/dev/null
    done
}

case ${1:-start} in
    start)
        install_docker
        running || start_engine
        load_images
        echo "$SOCKET"
        ;;
    install) install_docker ;;
    stop)
        if [[ -s $PIDFILE ]]; then
            kill "$(cat "$PIDFILE")" 2>/dev/null || true
            for _ in $(seq 40); do [[ -e $PIDFILE ]] || break; sleep 0.5; done
        fi
        ;;
    *) say "usage: $0 start|stop"; exit 2 ;;
esac
