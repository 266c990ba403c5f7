"""How BuildKit reads the logical line of an instruction.

A port of ``frontend/dockerfile/parser/{split_command,line_parsers}.go``: the
keyword, the ``--flags``, and the argument values each instruction kind
yields (JSON exec form, whitespace lists, ``ENV``/``LABEL`` pairs, ...).
The values agree with BuildKit's node chains, so slimfix and Docker read a
file the same way.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Optional

from ..record import record

# Go's regexp `[\t\v\f\r ]+`
_RE_WHITESPACE = re.compile(r"[\t\x0b\x0c\r ]+")
GO_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

_GO_SPACE_RUN = re.compile(f"[{GO_SPACE}]+")

KNOWN_KEYWORDS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)


class ArgumentError(ValueError):
    """BuildKit rejects the arguments of an instruction."""


def is_go_space(ch: str) -> bool:
    return ch in GO_SPACE


def go_trim_space(text: str) -> str:
    return text.strip(GO_SPACE)


@record
class Arguments:
    """What BuildKit makes of one logical line."""

    command: str  # as written (BuildKit's Node.Value)
    flags: tuple[str, ...]
    value: tuple[str, ...]
    is_json: bool
    sub: Optional["Arguments"] = None  # ONBUILD's inner instruction


def split_command(line: str, escape: str) -> tuple[str, tuple[str, ...], str]:
    parts = _RE_WHITESPACE.split(go_trim_space(line), maxsplit=1)
    if len(parts) == 2:
        args, flags = extract_builder_flags(parts[1], escape)
        return parts[0], flags, go_trim_space(args)
    return parts[0], (), ""


def extract_builder_flags(line: str, escape: str) -> tuple[str, tuple[str, ...]]:
    """Leading ``--name=value`` words, as BuildKit's ``extractBuilderFlags``.

    BuildKit reads this part byte by byte (each byte taken as a code point),
    so this does too: a U+00A0 after a flag is not a separator, and non-ASCII
    text inside a flag comes out as Go makes it.
    """
    data = line.encode("utf-8", "surrogateescape")
    esc = ord(escape)
    words: list[str] = []
    in_spaces, in_word, in_quote = 0, 1, 2
    phase = in_spaces
    buf: list[str] = []
    quote = 0
    blank_ok = False
    n = len(data)
    pos = 0

    def rest(at: int) -> str:
        return data[at:].decode("utf-8", "surrogateescape")

    while pos <= n:
        ch = data[pos] if pos < n else -1
        if phase == in_spaces:
            if pos == n:
                break
            if is_go_space(chr(ch)):
                pos += 1
                continue
            if ch != 45 or pos + 1 == n or data[pos + 1] != 45:  # "--"
                return rest(pos), tuple(words)
            phase = in_word
        if phase in (in_word, in_quote) and pos == n:
            word = "".join(buf)
            if word != "--" and (blank_ok or word):
                words.append(word)
            break
        if phase == in_word:
            if is_go_space(chr(ch)):
                word = "".join(buf)
                phase = in_spaces
                if word == "--":
                    return rest(pos), tuple(words)
                if blank_ok or word:
                    words.append(word)
                buf.clear()
                blank_ok = False
                pos += 1
                continue
            if ch in (39, 34):  # ' "
                quote = ch
                blank_ok = True
                phase = in_quote
                pos += 1
                continue
        elif ch == quote:  # in_quote
            phase = in_word
            pos += 1
            continue
        if ch == esc:  # in a word or a quote: the next byte as it is; at the end, nothing
            if pos + 1 == n:
                phase = in_word
                pos += 1
                continue
            pos += 1
            ch = data[pos]
        buf.append(chr(ch))
        pos += 1
    return "", tuple(words)


def parse_words(rest: str, escape: str) -> list[str]:
    """Space-separated words with quotes kept, as BuildKit's ``parseWords``."""
    if escape not in rest and "'" not in rest and '"' not in rest:
        return _GO_SPACE_RUN.split(rest.strip(GO_SPACE)) if rest.strip(GO_SPACE) else []
    words: list[str] = []
    in_spaces, in_word, in_quote = 0, 1, 2
    phase = in_spaces
    quote = ""
    blank_ok = False
    buf: list[str] = []
    n = len(rest)
    pos = 0
    while pos <= n:
        ch = rest[pos] if pos < n else ""
        if phase == in_spaces:
            if pos == n:
                break
            if is_go_space(ch):
                pos += 1
                continue
            phase = in_word
        if phase in (in_word, in_quote) and pos == n:
            if blank_ok or buf:
                words.append("".join(buf))
            break
        if phase == in_word:
            if is_go_space(ch):
                phase = in_spaces
                if blank_ok or buf:
                    words.append("".join(buf))
                buf.clear()
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = in_quote
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                buf.append(ch)
                pos += 1
                ch = rest[pos]
            buf.append(ch)
            pos += 1
            continue
        # in_quote
        if ch == quote:
            phase = in_word
        if ch == escape and quote != "'":
            if pos + 1 == n:
                phase = in_word
                pos += 1
                continue
            pos += 1
            buf.append(ch)
            ch = rest[pos]
        buf.append(ch)
        pos += 1
    return words


def _parse_name_val(rest: str, key: str, escape: str) -> tuple[str, ...]:
    """name, value, separator triples for ENV and LABEL, as BuildKit's nodes:
    the separator is ``=`` for ``KEY=value`` and ``""`` for the legacy ``KEY value``."""
    words = parse_words(rest, escape)
    if not words:
        return ()
    if "=" not in words[0]:
        parts = _RE_WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise ArgumentError(f"{key} must have two arguments")
        return (parts[0], parts[1], "")
    out: list[str] = []
    for word in words:
        if "=" not in word:
            raise ArgumentError(
                f"Syntax error - can't find = in {_go_quote(word)}. Must be of the form: name=value"
            )
        name, value = word.split("=", 1)
        out += [name, value, "="]
    return tuple(out)


def _go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _parse_whitespace_list(rest: str) -> tuple[str, ...]:
    if rest == "":
        return ()
    return tuple(_RE_WHITESPACE.split(rest))


def _parse_json(rest: str) -> Optional[tuple[str, ...]]:
    """The JSON array form; None when ``rest`` is not a JSON array.

    Raises ArgumentError for an array with non-string items, as BuildKit does.
    """
    rest = rest.lstrip(GO_SPACE)
    if not rest.startswith("["):
        return None
    try:
        items = json.loads(rest, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(items, list):
        return None
    if not all(isinstance(item, str) for item in items):
        raise ArgumentError("when using JSON array syntax, arrays must be comprised of strings only")
    return tuple(items)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # Go's decoder has no NaN/Infinity


def _maybe_json(rest: str) -> tuple[tuple[str, ...], bool]:
    if rest == "":
        return (), False
    items = _parse_json(rest)
    if items is not None:
        return items, True
    return (rest,), False


def _maybe_json_list(rest: str) -> tuple[tuple[str, ...], bool]:
    items = _parse_json(rest)
    if items is not None:
        return items, True
    return _parse_whitespace_list(rest), False


def _health(rest: str) -> tuple[tuple[str, ...], bool]:
    sep = 0
    while sep < len(rest) and not is_go_space(rest[sep]):
        sep += 1
    if sep == 0:
        return (), False
    nxt = sep
    while nxt < len(rest) and is_go_space(rest[nxt]):
        nxt += 1
    cmd, is_json = _maybe_json(rest[nxt:])
    return (rest[:sep],) + cmd, is_json


@lru_cache(maxsize=4096)
def parse_arguments(line: str, escape: str) -> Arguments:
    """Read one logical line as BuildKit's ``newNodeFromLine`` does.

    Cached: the fix loop re-parses a file after each round, and most of its
    instructions are the same text as before.
    """
    cmd, flags, rest = split_command(line, escape)
    kind = cmd.upper()
    is_json = False
    sub = None
    if kind in ("ADD", "COPY", "VOLUME"):
        value, is_json = _maybe_json_list(rest)
    elif kind in ("CMD", "ENTRYPOINT", "RUN", "SHELL"):
        value, is_json = _maybe_json(rest)
    elif kind in ("EXPOSE", "FROM"):
        value = _parse_whitespace_list(rest)
    elif kind in ("ENV", "LABEL"):
        value = _parse_name_val(rest, kind, escape)
    elif kind == "ARG":
        value = tuple(parse_words(rest, escape))
    elif kind in ("MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"):
        value = (rest,) if rest else ()
    elif kind == "HEALTHCHECK":
        value, is_json = _health(rest)
    elif kind == "ONBUILD":
        value = ()
        if rest:
            sub = parse_arguments(rest, escape)
            value = sub.value
    else:
        value = ()
    return Arguments(cmd, flags, value, is_json, sub)
