#!/usr/bin/env bash
# Install buildah and make the local base images that slimfix's build tests use:
#   localhost/slimfix-test/debian:bookworm  debootstrap --variant=minbase, the host's apt sources
#   localhost/slimfix-test/python:3         python3 in a venv at /usr/local (laid out like the
#                                           official python images), pip, the host's CA certificates;
#                                           it stands in for the slim variant (python:3-slim)
#   localhost/slimfix-test/python:3-full    the same plus what the full python image has under its
#                                           Python: buildpack-deps:bookworm's packages (curl, scm and
#                                           full layers: compilers, VCS tools, -dev libraries), the
#                                           python image's own (libbluetooth-dev tk-dev uuid-dev) and
#                                           python3-dev for the stand-in's Debian Python
#   localhost/slimfix-test/node:18-slim     Debian's nodejs and npm (18) on the Debian image
#   localhost/slimfix-test/node:18-full     the same plus buildpack-deps:bookworm's packages, as the
#                                           full node image has
#   localhost/slimfix-test/golang:1.19-bookworm  Debian's Go (1.19) with gcc for cgo, like golang:*-bookworm
# Idempotent and quick when all is there. Built images are cached as archives in
# $SLIMFIX_TEST_CACHE (default ${XDG_CACHE_HOME:-/var/cache}/slimfix-test), keyed by the host's
# apt sources, CA certificates and this script's version, so a new buildah storage is refilled fast.
# Exit status 3 means this machine cannot have a builder (not root, no apt, packages unreachable).
set -euo pipefail

SETUP_VERSION=1
SUITE=bookworm
DEBIAN_IMAGE=localhost/slimfix-test/debian:bookworm
PYTHON_IMAGE=localhost/slimfix-test/python:3
PYTHON_FULL_IMAGE=localhost/slimfix-test/python:3-full
. "$(dirname "${BASH_SOURCE[0]}")/buildpack-deps.sh"  # BUILDPACK_PACKAGES, PYTHON_FULL_EXTRAS
# The full python image adds these to buildpack-deps; python3-dev gives the stand-in's Debian
# Python the headers the official image has in /usr/local/include.
FULL_PACKAGES="$BUILDPACK_PACKAGES $PYTHON_FULL_EXTRAS python3-dev"
NODE_IMAGE=localhost/slimfix-test/node:18-slim
NODE_FULL_IMAGE=localhost/slimfix-test/node:18-full
NODE_PACKAGES="nodejs npm ca-certificates"
NODE_FULL_PACKAGES="$BUILDPACK_PACKAGES"
GO_IMAGE=localhost/slimfix-test/golang:1.19-bookworm
GO_PACKAGES="golang-go gcc libc6-dev ca-certificates"
CACHE=${SLIMFIX_TEST_CACHE:-${XDG_CACHE_HOME:-/var/cache}/slimfix-test}
PATH_ENV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { echo "setup-buildah: $*" >&2; }
cannot() { say "cannot set up a builder: $*"; exit 3; }

install_tools() {
    if command -v buildah >/dev/null && command -v debootstrap >/dev/null; then
        return
    fi
    [[ $(id -u) == 0 ]] || cannot "installing buildah needs root"
    command -v apt-get >/dev/null || cannot "apt-get is not available"
    say "installing buildah and debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || cannot "apt-get update failed"
    apt-get install -y -qq buildah debootstrap ca-certificates >/dev/null \
        || cannot "apt-get install buildah debootstrap failed"
}

host_apt_files() {  # apt sources and fetching settings (mirror, proxy, validity) of this host
    local file
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -s $file ]] && echo "$file"
    done
    grep -l '^[[:space:]]*Acquire::' /etc/apt/apt.conf.d/* 2>/dev/null || true
}

host_mirror() {
    if [[ -n ${SLIMFIX_TEST_MIRROR:-} ]]; then echo "$SLIMFIX_TEST_MIRROR"; return; fi
    local uri
    uri=$( { grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
             grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
                 | sed -E 's/\[[^]]*\]//' | awk '{print $2}'; } | grep -v security | head -n1 || true)
    echo "${uri:-http://deb.debian.org/debian}"
}

fingerprint() {  # what the images depend on: this script's version, apt config, CA certificates
    {
        echo "$SETUP_VERSION $SUITE $(host_mirror)"
        host_apt_files | while read -r file; do cat "$file"; done
        cat /usr/local/share/ca-certificates/* 2>/dev/null || true
    } | sha256sum | cut -c1-16
}

image_key() {
    buildah inspect --type image --format '{{index .OCIv1.Config.Labels "slimfix-test.key"}}' "$1" 2>/dev/null || true
}

restore_or_build() {  # image, key, archive, build function
    local image=$1 key=$2 archive=$3 build=$4
    if [[ $(image_key "$image") == "$key" ]]; then
        return
    fi
    if [[ -s $archive ]]; then
        say "loading $image from $archive"
        local id
        id=$(buildah pull -q "docker-archive:$archive")
        buildah tag "$id" "$image"
    else
        say "building $image"
        "$build" "$key"
        buildah push -q "$image" "docker-archive:$archive.part:$image"
        mv "$archive.part" "$archive"
    fi
}

copy_host_apt_config() {  # into the root file system $1, with the keyrings the sources name
    local root=$1 file keyring
    rm -f "$root/etc/apt/sources.list"
    host_apt_files | while read -r file; do
        mkdir -p "$root$(dirname "$file")"
        cp "$file" "$root$file"
        for keyring in $(grep -ohiE 'signed-by[:=][[:space:]]*[^] ]+' "$file" | sed -E 's/^[^:=]*[:=][[:space:]]*//'); do
            if [[ -f $keyring && ! -e $root$keyring ]]; then
                mkdir -p "$root$(dirname "$keyring")"
                cp "$keyring" "$root$keyring"
            fi
        done
    done
}

build_debian() {
    local key=$1 work root container
    work=$(mktemp -d "$CACHE/work.XXXXXX")
    root=$work/rootfs
    debootstrap --variant=minbase "$SUITE" "$root" "$(host_mirror)" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 20 "$work/debootstrap.log" >&2; rm -rf "$work"; return 1; }
    copy_host_apt_config "$root"
    # Like the official Debian images: apt keeps no package caches in the image.
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
EOF
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
    tar -C "$root" --numeric-owner -cf "$work/rootfs.tar" .
    container=$(buildah from scratch)
    buildah add "$container" "$work/rootfs.tar" / >/dev/null
    buildah config --cmd bash --env "PATH=$PATH_ENV" --label "slimfix-test.key=$key" "$container"
    buildah commit -q --rm "$container" "$DEBIAN_IMAGE" >/dev/null
    rm -rf "$work"
}

build_python() {
    local key=$1 container
    container=$(buildah from --pull=false "$DEBIAN_IMAGE")
    if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
        buildah copy "$container" /usr/local/share/ca-certificates/ /usr/local/share/ca-certificates/ >/dev/null
    fi
    buildah run --isolation chroot --network host "$container" -- sh -ec '
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends python3 python3-pip python3-venv ca-certificates >/dev/null
        rm -rf /var/lib/apt/lists/*
        python3 -m venv /usr/local
        /usr/local/bin/python -m pip --version'
    buildah config --cmd python3 --label "slimfix-test.key=$key" "$container"
    buildah commit -q --rm "$container" "$PYTHON_IMAGE" >/dev/null
}

build_python_full() { apt_image "$1" "$PYTHON_IMAGE" "$PYTHON_FULL_IMAGE" "$FULL_PACKAGES"; }

apt_image() {  # key, base image, new image, packages
    local key=$1 base=$2 image=$3 packages=$4 container
    container=$(buildah from --pull=false "$base")
    if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
        buildah copy "$container" /usr/local/share/ca-certificates/ /usr/local/share/ca-certificates/ >/dev/null
    fi
    buildah run --isolation chroot --network host "$container" -- sh -ec "
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends $packages >/dev/null
        rm -rf /var/lib/apt/lists/*"
    buildah config --label "slimfix-test.key=$key" "$container"
    buildah commit -q --rm "$container" "$image" >/dev/null
}

build_node() { apt_image "$1" "$DEBIAN_IMAGE" "$NODE_IMAGE" "$NODE_PACKAGES"; }
build_go() { apt_image "$1" "$DEBIAN_IMAGE" "$GO_IMAGE" "$GO_PACKAGES"; }
build_node_full() { apt_image "$1" "$NODE_IMAGE" "$NODE_FULL_IMAGE" "$NODE_FULL_PACKAGES"; }

main() {
    install_tools
    buildah info >/dev/null 2>&1 || cannot "buildah is installed but does not work here"
    mkdir -p "$CACHE"
    exec 9>"$CACHE/.lock"
    flock 9
    local debian_key python_key full_key node_key node_full_key go_key
    debian_key=$(fingerprint)
    python_key=$(echo "$debian_key python3-venv" | sha256sum | cut -c1-16)
    full_key=$(echo "$python_key $FULL_PACKAGES" | sha256sum | cut -c1-16)
    node_key=$(echo "$debian_key $NODE_PACKAGES" | sha256sum | cut -c1-16)
    node_full_key=$(echo "$node_key $NODE_FULL_PACKAGES" | sha256sum | cut -c1-16)
    go_key=$(echo "$debian_key $GO_PACKAGES" | sha256sum | cut -c1-16)
    restore_or_build "$DEBIAN_IMAGE" "$debian_key" "$CACHE/debian-$SUITE-$debian_key.tar" build_debian
    restore_or_build "$PYTHON_IMAGE" "$python_key" "$CACHE/python3-$python_key.tar" build_python
    restore_or_build "$PYTHON_FULL_IMAGE" "$full_key" "$CACHE/python3-buildpack-$full_key.tar" build_python_full
    restore_or_build "$NODE_IMAGE" "$node_key" "$CACHE/node-$node_key.tar" build_node
    restore_or_build "$NODE_FULL_IMAGE" "$node_full_key" "$CACHE/node-buildpack-$node_full_key.tar" build_node_full
    restore_or_build "$GO_IMAGE" "$go_key" "$CACHE/golang-$go_key.tar" build_go
    find "$CACHE" -maxdepth 1 -name '*.tar' ! -name "*-$debian_key.tar" ! -name "*-$python_key.tar" \
        ! -name "*-$full_key.tar" ! -name "*-$node_key.tar" ! -name "*-$node_full_key.tar" \
        ! -name "*-$go_key.tar" -delete
    say "ready: $(buildah --version), images $DEBIAN_IMAGE $PYTHON_IMAGE $PYTHON_FULL_IMAGE $NODE_IMAGE" \
        "$NODE_FULL_IMAGE $GO_IMAGE"
}

main "$@"
