#!/bin/dash
# Stand-in for package managers and downloaders inside the oracle's sandbox.
# Installed under many names (apt-get, apk, pip, ...); $0 says which one runs.
# Effects are files only: installs write /var/lib/installed/TOOL/PKG, caches go
# where the real tool keeps them (unless its cache-avoiding option is given),
# a package named failpkg* fails as the real tool would. Messages go to stderr:
# the oracle compares standard output.
tool=${0##*/}
INSTALLED=/var/lib/installed
HOME=${HOME:-/root}

say() { echo "$tool: $*" >&2; }
put() { # put FILE CONTENT
	dir=${1%/*}
	[ -d "$dir" ] || mkdir -p "$dir" || exit 1
	printf '%s\n' "$2" >"$1" || exit 1
}
install_all() { # install_all TOOL CACHE_DIR_OR_EMPTY FAIL_STATUS PKG...
	t=$1 cache=$2 status=$3
	shift 3
	for p; do
		case $p in failpkg*) say "unable to install $p"; exit "$status";; esac
		put "$INSTALLED/$t/${p%%[=<>]*}" "installed $p"
		[ -z "$cache" ] || put "$cache/${p%%[=<>]*}" "cached $p"
	done
}
remove_all() {
	t=$1
	shift
	for p; do rm -f "$INSTALLED/$t/$p"; done
}
# split "$@" into options and words; VALUE_OPTS (space separated) take a value
parse() {
	OPTS=" " WORDS=""
	while [ $# -gt 0 ]; do
		case " $VALUE_OPTS " in *" $1 "*) OPTS="$OPTS$1=$2 "; shift 2; continue;; esac
		case $1 in
		--) shift; WORDS="$WORDS $*"; break;;
		-?*) OPTS="$OPTS$1 ";;
		*) WORDS="$WORDS $1";;
		esac
		shift
	done
}
has() { case $OPTS in *" $1 "* | *" $1="*) return 0;; esac; return 1; }
value() { # sets VALUE to the value of option $1 (no subshell: every fork counts)
	v=${OPTS#*" $1="}
	[ "$v" != "$OPTS" ] || return 1
	VALUE=${v%% *}
}
lines() { # lines FILE: sets LINES to the file's words
	LINES=""
	while read -r line; do LINES="$LINES $line"; done <"$1"
}
truthy() { case $1 in '' | 0 | false | no) return 1;; esac; return 0; }

case $tool in
apt-get | apt)
	VALUE_OPTS="-o -t -c"
	parse "$@"
	set -- $WORDS
	sub=$1
	[ $# -gt 0 ] && shift
	case $sub in
	update) put /var/lib/apt/lists/deb.debian.org_debian_dists_stable_InRelease "index";;
	install)
		lists=""
		for f in /var/lib/apt/lists/*; do
			case ${f##*/} in partial | lock | "*") ;; *) lists=1;; esac
		done
		if [ $# -gt 0 ] && [ -z "$lists" ]; then
			say "E: Unable to locate package $1"
			exit 100
		fi
		install_all apt /var/cache/apt/archives 100 "$@";;
	remove | purge) remove_all apt "$@";;
	clean | autoclean) rm -rf /var/cache/apt/archives;;
	esac;;
apk)
	VALUE_OPTS="-t --virtual -X --repository"
	parse "$@"
	set -- $WORDS
	sub=$1
	[ $# -gt 0 ] && shift
	index=/var/cache/apk/APKINDEX.tar.gz
	if ! has --no-cache && { has -U || has --update-cache || has --update; }; then put $index index; fi
	case $sub in
	update) put $index index;;
	add)
		has --no-cache || put $index index
		install_all apk "" 1 "$@"
		if value --virtual || value -t; then put "$INSTALLED/apk/$VALUE" "virtual $*"; fi;;
	del) remove_all apk "$@";;
	search) [ -f $index ] && for p; do echo "$p-1.0-r0"; done;;
	cache) [ "$1" = clean ] && rm -rf /var/cache/apk/*;;
	esac;;
pip | pip3 | pip3.*)
	VALUE_OPTS="-r --requirement -c -i --index-url -t --target --cache-dir"
	parse "$@"
	set -- $WORDS
	sub=$1
	[ $# -gt 0 ] && shift
	cache=${PIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pip}/http
	if has --no-cache-dir || truthy "$PIP_NO_CACHE_DIR"; then cache=""; fi
	case $sub in
	install)
		if value -r || value --requirement; then
			[ -f "$VALUE" ] || { say "Could not open requirements file: $VALUE"; exit 1; }
			lines "$VALUE"
			set -- "$@" $LINES
		fi
		install_all pip "$cache" 1 "$@";;
	uninstall) remove_all pip "$@";;
	cache) [ "$1" = purge ] && rm -rf "${PIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pip}";;
	esac;;
python | python3)
	[ "$1" = -m ] && [ "$2" = pip ] || { say "only -m pip is emulated"; exit 2; }
	shift 2
	exec pip "$@";;
npm)
	VALUE_OPTS="--prefix"
	parse "$@"
	set -- $WORDS
	sub=$1
	[ $# -gt 0 ] && shift
	cache=${npm_config_cache:-$HOME/.npm}/_cacache
	case $sub in
	install | i | add)
		global=""
		has -g || has --global && global=1
		for p; do
			case $p in failpkg*) say "404 Not Found - $p"; exit 1;; esac
			if [ -n "$global" ]; then put "$INSTALLED/npm/$p" installed; else put "node_modules/$p/package.json" "{}"; fi
			put "$cache/$p" cached
		done;;
	ci)
		[ -f package.json ] || { say "ENOENT: no such file or directory, open 'package.json'"; exit 254; }
		put node_modules/.package-lock.json "{}"
		put "$cache/index" cached;;
	cache)
		case $1 in
		clean) has --force || has -f || { say "ERR! As of npm@5, the npm cache self-heals; use --force"; exit 1; }
			rm -rf "$cache";;
		esac;;
	esac;;
yarn)
	parse "$@"
	set -- $WORDS
	sub=${1:-install}
	[ $# -gt 0 ] && shift
	cache=${YARN_CACHE_FOLDER:-$HOME/.cache/yarn/v6}
	case $sub in
	install) put node_modules/.yarn-integrity "{}"; put "$cache/.tmp/index" cached;;
	add | global)
		[ "$sub" = global ] && shift
		for p; do
			case $p in failpkg*) say "error Couldn't find package $p"; exit 1;; esac
			if [ "$sub" = global ]; then put "$INSTALLED/yarn/$p" installed; else put "node_modules/$p/package.json" "{}"; fi
			put "$cache/npm-$p" cached
		done;;
	cache) [ "$1" = clean ] && rm -rf "$cache";;
	esac;;
dnf | yum | microdnf | zypper)
	VALUE_OPTS="--setopt --releasever --enablerepo --disablerepo"
	parse "$@"
	set -- $WORDS
	sub=$1
	[ $# -gt 0 ] && shift
	case $tool in
	dnf) cache=/var/cache/dnf fail=1;;
	yum) cache=/var/cache/yum fail=1;;
	microdnf) cache=/var/cache/yum/metadata fail=1;;
	zypper) cache=/var/cache/zypp/packages fail=104;;
	esac
	case $sub in
	install | in) install_all "$tool" "$cache" "$fail" "$@";;
	remove | rm | erase) remove_all "$tool" "$@";;
	makecache | refresh | ref) put "$cache/repodata" index;;
	clean | cc)
		if [ "$tool" = zypper ] || [ "$1" = all ]; then rm -rf "$cache"; fi;;
	esac;;
gem)
	VALUE_OPTS="-v --version"
	parse "$@"
	set -- $WORDS
	sub=$1
	[ $# -gt 0 ] && shift
	docs=/var/lib/gems/doc
	has --no-document || has -N && docs=""
	if [ -f "$HOME/.gemrc" ]; then
		lines "$HOME/.gemrc"
		case $LINES in *--no-document*) docs="";; esac
	fi
	case $sub in
	install) install_all gem "$docs" 1 "$@";;
	uninstall) remove_all gem "$@";;
	esac;;
curl | wget)
	VALUE_OPTS="-o --output -O --output-document"
	[ "$tool" = curl ] && VALUE_OPTS="-o --output"
	parse "$@"
	set -- $WORDS
	url=$1
	case $url in *fail*)
		say "The requested URL returned error: 404"
		if [ "$tool" = wget ] || has -f || has -fsSL || has -fSL || has -fsL; then exit 22; fi;;
	esac
	out=-
	if [ "$tool" = curl ]; then
		if value -o || value --output; then out=$VALUE; elif has -O; then out=${url##*/}; fi
	elif value -O || value --output-document; then out=$VALUE
	else out=${url##*/}
	fi
	if [ "$out" = - ]; then echo "payload of $url"; else put "$out" "payload of $url"; fi;;
sudo)
	while [ $# -gt 0 ]; do case $1 in -u | -g) shift 2;; -*) shift;; *) break;; esac; done
	exec "$@";;
*)
	say "no emulation"
	exit 127;;
esac
exit 0
