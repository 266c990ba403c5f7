# shellcheck shell=bash
# Sourced by setup-buildah.sh and measure-packages.sh.
# What buildpack-deps:bookworm installs on debian:bookworm (its curl, scm and full Dockerfiles), which
# the official full images (python, node, ruby) are built on; their slim variants have none of it.
BUILDPACK_CURL="ca-certificates curl gnupg netbase sq wget"
BUILDPACK_SCM="git git-lfs mercurial openssh-client subversion procps"
BUILDPACK_FULL="autoconf automake bzip2 dpkg-dev file g++ gcc imagemagick libbz2-dev libc6-dev
  libcurl4-openssl-dev libdb-dev libevent-dev libffi-dev libgdbm-dev libglib2.0-dev libgmp-dev
  libjpeg-dev libkrb5-dev liblzma-dev libmagickcore-dev libmagickwand-dev libmaxminddb-dev
  libncurses5-dev libncursesw5-dev libpng-dev libpq-dev libreadline-dev libsqlite3-dev libssl-dev
  libtool libwebp-dev libxml2-dev libxslt-dev libyaml-dev make patch unzip xz-utils zlib1g-dev
  default-libmysqlclient-dev"
BUILDPACK_PACKAGES=$(echo $BUILDPACK_CURL $BUILDPACK_SCM $BUILDPACK_FULL)  # one line
# What the full python image installs on buildpack-deps besides Python itself.
PYTHON_FULL_EXTRAS="libbluetooth-dev tk-dev uuid-dev"
