"""Output: diffs and reports."""


def posix_path(path: str) -> str:
    """A path as diffs and reports show it: forward slashes, no leading ``./``."""
    name = path.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name
