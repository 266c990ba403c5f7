"""Which top-level modules of the installed distributions import (run inside an image).

argv[1]: empty to find them (the original image), else "module<TAB>distribution" lines to try
(the rewrite). Prints "py<TAB>module<TAB>distribution<TAB>ok" or "...<TAB>fail<TAB>error".
"""
import io
import signal
import sys

TIMEOUT = 30


def top_level(dist):
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip().replace("/", ".") for line in text.splitlines() if line.strip()}
    names = set()
    for path in dist.files or ():
        parts = path.parts
        if not parts or parts[0] in ("..", "__pycache__") or parts[0].endswith((".dist-info", ".egg-info", ".data")):
            continue
        if len(parts) == 1:
            if parts[0].endswith(".py"):
                names.add(parts[0][:-3])
            elif ".so" in parts[0] or parts[0].endswith(".pyd"):
                names.add(parts[0].split(".")[0])
        else:
            names.add(parts[0])
    return names


def discover():
    from importlib import metadata  # lazy: optional (the image's Python may lack it; only the first probe needs it)

    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"] or "?"
        for module in top_level(dist):
            if all(part.isidentifier() for part in module.split(".")) and not module.startswith("_distutils"):
                found.setdefault(module, name)
    return sorted(found.items())


def expired(signum, frame):
    raise TimeoutError(f"import took longer than {TIMEOUT} s")


def try_import(module):
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = io.StringIO()
    signal.signal(signal.SIGALRM, expired)
    signal.alarm(TIMEOUT)
    try:
        __import__(module)
        return None
    except BaseException as error:  # any failure, SystemExit included, means it does not import
        text = str(error).splitlines()[0] if str(error) else ""
        return f"{type(error).__name__}: {text}"
    finally:
        signal.alarm(0)
        sys.stdout, sys.stderr = stdout, stderr


def main():
    given = sys.argv[1] if len(sys.argv) > 1 else ""
    if given:
        targets = [tuple(line.split("\t", 1)) for line in given.splitlines() if "\t" in line]
    else:
        targets = discover()
    lines = []
    for module, dist in targets:
        error = try_import(module)
        lines.append("\t".join(["py", module, dist, "ok" if error is None else "fail", (error or "")[:300]]))
    sys.stdout.write("".join(line + "\n" for line in lines))


main()
