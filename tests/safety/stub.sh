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
	case $1 in */*) dir=${1%/*};; *) dir=.;; esac
	# busybox's mkdir: the same folders and modes (umask included) as coreutils', started
	# in two thirds of the time (no SELinux libraries to load); the stand-ins make many
	[ -d "${dir:-/}" ] || /bin/busybox mkdir -p "$dir" || exit 1
	printf '%s\n' "$2" >"$1" || exit 1
}
install_all() { # install_all TOOL CACHE_DIR_OR_EMPTY FAIL_STATUS PKG...
	t=$1 cache=$2 status=$3
	shift 3
	for p; do
		case $p in failpkg*) say "unable to install $p"; exit "$status";; esac
		case $p in */* | *.deb | *.whl) # a local package file: it must be there
			[ -f "$p" ] || { say "no such file: $p"; exit "$status"; }
			p=${p##*/};;
		esac
		put "$INSTALLED/$t/${p%%[=<>]*}" "installed $p"
		[ -z "$cache" ] || put "$cache/${p%%[=<>]*}" "cached $p"
	done
}
payload() { # payload FILE: fails unless FILE is a download (what curl and wget write here)
	[ -f "$1" ] || { say "$1: Cannot open: No such file or directory"; exit 2; }
	read -r first <"$1"
	case $first in "payload of "*) ;; *) say "$1: not an archive"; exit 2;; esac
}
unpack() { # unpack ARCHIVE DIR: what comes out of it
	payload "$1"
	a=${1##*/}
	put "${2:-.}/${a%%.*}/README" "unpacked from $a"
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
		case " $* " in *" ./"* | *" /"*) lists=1;; esac  # local .deb files need no lists
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
	gemdir=${GEM_HOME:-/var/lib/gems}
	case $sub in
	install | update)
		install_all gem "$docs" 1 "$@"
		for p; do put "$gemdir/cache/$p-1.0.gem" gem; done;;
	uninstall) remove_all gem "$@";;
	env) [ "$1" = gemdir ] && echo "$gemdir";;
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
		remote=""
		case $OPTS in *" -O "* | *" --remote-name "* | *" -"[a-zA-Z]*O" "*) remote=1;; esac
		if value -o || value --output; then out=$VALUE; elif [ -n "$remote" ]; then out=${url##*/}; fi
	elif value -O || value --output-document; then out=$VALUE
	else out=${url##*/}
	fi
	if [ "$out" = - ]; then echo "payload of $url"; else put "$out" "payload of $url"; fi;;
tar)
	mode="" file="" dir=""
	first=1
	while [ $# -gt 0 ]; do
		case $1 in
		--extract | --get) mode=x;;
		--file=*) file=${1#*=};;
		--directory=*) dir=${1#*=};;
		-C | --directory) dir=$2; shift;;
		-f | --file) file=$2; shift;;
		--*) ;;
		-* | [a-zA-Z]*)
			letters=${1#-}
			[ "$1" != "$letters" ] || [ -n "$first" ] || { shift; first=""; continue; }
			while [ -n "$letters" ]; do
				rest=${letters#?} letter=${letters%"$rest"} letters=$rest
				case $letter in
				x) mode=x;;
				c) mode=c;;
				t) mode=t;;
				f) file=$2; shift;;
				C) dir=$2; shift;;
				esac
			done;;
		esac
		first=""
		shift
	done
	case $mode in
	x) [ -z "$dir" ] || [ -d "$dir" ] || { say "$dir: Cannot open: No such file or directory"; exit 2; }
		unpack "$file" "$dir";;
	t) payload "$file"; a=${file##*/}; echo "${a%%.*}/README";;
	*) say "mode not emulated"; exit 2;;
	esac;;
unzip)
	dir="" file=""
	while [ $# -gt 0 ]; do
		case $1 in -d) dir=$2; shift;; -*) ;; *) [ -n "$file" ] || file=$1;; esac
		shift
	done
	[ -f "$file" ] || { say "cannot find or open $file"; exit 9; }
	unpack "$file" "$dir";;
dpkg)
	[ "$1" = -i ] || [ "$1" = --install ] || { say "only -i is emulated"; exit 2; }
	shift
	for p; do payload "$p"; done
	install_all dpkg "" 1 "$@";;
go)
	sub=$1
	[ $# -gt 0 ] && shift
	gocache=${GOCACHE:-$HOME/.cache/go-build}
	modcache=${GOMODCACHE:-${GOPATH:-$HOME/go}/pkg/mod}
	case $sub in
	build | install | test | run | vet | get)
		put "$modcache/example.com/dep@v1.0.0/go.mod" "module example.com/dep"
		put "$gocache/0a/0a1b-d" "object"
		case $sub in build) put app "binary";; test) echo "ok  	example.com/app	0.01s";; esac;;
	mod) [ "$1" = download ] && put "$modcache/example.com/dep@v1.0.0/go.mod" "module example.com/dep";;
	clean)
		for o; do
			case $o in -cache) rm -rf "$gocache"/*;; -modcache) rm -rf "$modcache";; esac
		done;;
	version) echo "go version go1.22.0 linux/amd64";;
	esac;;
cargo)
	parse "$@"
	set -- $WORDS
	registry=${CARGO_HOME:-$HOME/.cargo}/registry
	has --offline || has --frozen || case $1 in build | install | fetch | test | run | check)
		[ -f Cargo.toml ] || { say "could not find Cargo.toml"; exit 101; }
		put "$registry/cache/index.crates.io/dep-1.0.0.crate" "crate";;
	esac
	case $1 in build) put target/release/app binary;; esac;;
mvn | gradle)
	parse "$@"
	set -- $WORDS
	case $tool in
	mvn) repo=$HOME/.m2/repository/org/example/dep/1.0/dep-1.0.jar offline="-o --offline" out=target/app.jar;;
	gradle) repo=${GRADLE_USER_HOME:-$HOME/.gradle}/caches/modules-2/files-2.1/dep-1.0.jar offline=--offline out=build/libs/app.jar;;
	esac
	if has --version || has -v; then echo "$tool 1.0"; exit 0; fi
	[ $# -gt 0 ] || { say "no goals"; exit 1; }
	for o in $offline; do has "$o" && repo=""; done
	[ -z "$repo" ] || put "$repo" "jar"
	put "$out" "jar";;
bundle | bundler)
	[ "$1" = install ] || exit 0
	[ -f Gemfile ] || { say "Could not locate Gemfile"; exit 10; }
	gemdir=${GEM_HOME:-/var/lib/gems}
	put "$gemdir/gems/rack/lib/rack.rb" "rack"
	put "$gemdir/cache/rack-3.0.gem" "gem";;
composer | composer.phar)
	parse "$@"
	set -- $WORDS
	cache=${COMPOSER_CACHE_DIR:-$HOME/.cache/composer}
	has --no-cache && cache=""
	case $1 in
	install | update | require)
		[ -f composer.json ] || { say "Composer could not find a composer.json file"; exit 1; }
		put vendor/autoload.php "<?php"
		[ -z "$cache" ] || put "$cache/files/dep/dep.zip" "zip";;
	clear-cache | clearcache | cc) rm -rf "${COMPOSER_CACHE_DIR:-$HOME/.cache/composer}"/*;;
	esac;;
conda | mamba | micromamba)
	parse "$@"
	set -- $WORDS
	sub=$1
	[ $# -gt 0 ] && shift
	case $sub in
	install | create | update)
		for p; do
			case $p in failpkg*) say "PackagesNotFoundError: $p"; exit 1;; esac
			put "/opt/conda/lib/$p/__init__.py" "$p"
			has --download-only || has -d || put "/opt/conda/pkgs/$p-1.0-0/info/index.json" "{}"
		done;;
	clean) has -a || has --all && rm -rf /opt/conda/pkgs/*;;
	esac;;
sudo)
	while [ $# -gt 0 ]; do case $1 in -u | -g) shift 2;; -*) shift;; *) break;; esac; done
	exec "$@";;
*)
	say "no emulation"
	exit 127;;
esac
exit 0
