# Run-time facts of an image, one tab-separated line each (read by slimfix.verify.checks).
# sh -c "$(cat probe.sh)" probe PATHS PROGRAMS PYTHON_TARGETS NODE_TARGETS PYTHON_PROBE NODE_PROBE
#   PATHS, PROGRAMS: newline-separated; the *_TARGETS are empty in the original image (the probes
#   find what is there) and name what the original had in the rewrite.
# The ELF files under PATHS and the entry point's programs are given to the loader (ldd).
# Lines: lib FILE SONAME found PATH|missing / program NAME PATH|- / interpreter NAME PATH found|missing
#        py ... and node ... from the Python and Node probes; "tool ldd|python|node missing".
paths=$1 programs=$2 py_targets=$3 node_targets=$4 py_probe=$5 node_probe=$6
tab=$(printf '\t')
echo "probe${tab}1"

resolve() {  # the path a program name runs, or nothing
    case $1 in
        */*) [ -e "$1" ] && echo "$1" ;;
        *) command -v "$1" 2>/dev/null ;;
    esac
}
old_ifs=$IFS; IFS='
'
for program in $programs; do  # the entry point's programs are scanned too
    path=$(resolve "$program") || path=
    [ -n "$path" ] && paths="$paths
$path"
done
IFS=$old_ifs

list_libs() {  # the loader's view of one file's libraries
    if [ -n "$ldd" ]; then $ldd "$1" 2>&1; else "$loader" --list "$1" 2>&1; fi
}
ldd=$(command -v ldd 2>/dev/null) || ldd=
loader=
if [ -z "$ldd" ]; then
    for candidate in /lib/ld-musl-*.so.1 /lib64/ld-linux-*.so.2 /lib/ld-linux*.so.*; do
        if [ -e "$candidate" ]; then loader=$candidate; break; fi
    done
fi
if [ -z "$ldd$loader" ]; then
    echo "tool${tab}ldd${tab}missing"
else
    old_ifs=$IFS; IFS='
'
    for root in $paths; do
        [ -e "$root" ] && find -H "$root" -xdev -type f \( -perm -u+x -o -name '*.so' -o -name '*.so.*' \) 2>/dev/null
    done | sort -u | while IFS= read -r file; do
        out=$(list_libs "$file") || true
        printf '%s\n' "$out" | while IFS=" $tab" read -r name arrow target rest; do
            if [ "$arrow" = "=>" ] && [ "$target" = "not" ]; then
                echo "lib${tab}${file}${tab}${name}${tab}missing"
            elif [ "$arrow" = "=>" ]; then
                echo "lib${tab}${file}${tab}${name}${tab}found${tab}${target}"
            elif [ "$name $arrow $target" = "Error loading shared" ]; then
                # musl: Error loading shared library libpq.so.5: No such file or directory (needed by F)
                library=${rest#library }
                echo "lib${tab}${file}${tab}${library%%:*}${tab}missing"
            fi
        done
    done
    IFS=$old_ifs
fi

old_ifs=$IFS; IFS='
'
for program in $programs; do
    IFS=$old_ifs
    path=$(resolve "$program") || path=
    echo "program${tab}${program}${tab}${path:--}"
    [ -n "$path" ] && [ -f "$path" ] || continue
    first=
    IFS= read -r first < "$path" 2>/dev/null || true
    case $first in
        '#!'*)
            set -- ${first#??}
            interpreter=${1:-}
            if [ "${interpreter##*/}" = env ] && [ $# -ge 2 ]; then
                shift
                while [ $# -gt 1 ] && [ "${1#-}" != "$1" ]; do shift; done
                interpreter=$1
            fi
            if [ -n "$interpreter" ] && [ -n "$(resolve "$interpreter")" ]; then
                echo "interpreter${tab}${program}${tab}${interpreter}${tab}found"
            else
                echo "interpreter${tab}${program}${tab}${interpreter}${tab}missing"
            fi
            ;;
    esac
done
IFS=$old_ifs

python=$(command -v python3 2>/dev/null || command -v python 2>/dev/null) || python=
if [ -n "$python" ]; then
    "$python" -c "$py_probe" "$py_targets" 2>/dev/null || echo "tool${tab}python${tab}failed"
else
    echo "tool${tab}python${tab}missing"
fi
node=$(command -v node 2>/dev/null || command -v nodejs 2>/dev/null) || node=
if [ -n "$node" ]; then
    "$node" -e "$node_probe" "$paths" "$node_targets" 2>/dev/null || echo "tool${tab}node${tab}failed"
else
    echo "tool${tab}node${tab}missing"
fi
