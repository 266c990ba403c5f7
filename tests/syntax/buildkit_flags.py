"""BuildKit HEAD's splitCommand/extractBuilderFlags, written out for the tests.

Go walks the argument text byte by byte and turns every byte into a rune, so a
non-ASCII character inside a flag comes back as one Latin-1 character per UTF-8
byte, and the bytes 0x85 and 0xA0 count as whitespace. This keeps that quirk,
because the flags slimfix reports must be the ones BuildKit reports.
"""

from __future__ import annotations

from .buildkit_text import GO_SPACE, RE_WHITESPACE

_BYTE_SPACE = {" ", "\t", "\n", "\v", "\f", "\r", "\x85", "\xa0"}


def split_command(line: str, escape: str) -> tuple[str, tuple[str, ...], str]:
    """(keyword as written, flags, arguments) of a logical line."""
    parts = RE_WHITESPACE.split(line.strip(GO_SPACE), maxsplit=1)
    if len(parts) < 2:
        return parts[0], (), ""
    args, flags = _extract_builder_flags(parts[1], escape)
    return parts[0], flags, args.strip(GO_SPACE)


def _extract_builder_flags(line: str, escape: str) -> tuple[str, tuple[str, ...]]:
    data = line.encode("utf-8", "surrogatepass")
    chars = [chr(b) for b in data]
    words: list[str] = []
    word: list[str] = []
    phase = "spaces"
    quote = ""
    blank_ok = False
    pos = 0
    while pos <= len(chars):
        ch = chars[pos] if pos < len(chars) else ""
        if phase == "spaces":
            if pos == len(chars):
                break
            if ch in _BYTE_SPACE:
                pos += 1
                continue
            if ch != "-" or pos + 1 == len(chars) or chars[pos + 1] != "-":
                return _rest(data, pos), tuple(words)
            phase = "word"
        if phase in ("word", "quote") and pos == len(chars):
            text = "".join(word)
            if text != "--" and (blank_ok or text):
                words.append(text)
            break
        if phase == "word":
            if ch in _BYTE_SPACE:
                text = "".join(word)
                phase = "spaces"
                if text == "--":
                    return _rest(data, pos), tuple(words)
                if blank_ok or text:
                    words.append(text)
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = "quote"
                pos += 1
                continue
            if ch == escape:
                if pos + 1 == len(chars):
                    pos += 1
                    continue
                pos += 1
                ch = chars[pos]
            word.append(ch)
            pos += 1
            continue
        # phase == "quote"
        if ch == quote:
            phase = "word"
            pos += 1
            continue
        if ch == escape:
            if pos + 1 == len(chars):
                phase = "word"
                pos += 1
                continue
            pos += 1
            ch = chars[pos]
        word.append(ch)
        pos += 1
    return "", tuple(words)


def _rest(data: bytes, pos: int) -> str:
    return data[pos:].decode("utf-8", "surrogateescape")
