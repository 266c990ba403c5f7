"""What BuildKit HEAD's parser makes of a Dockerfile, for comparing slimfix with.

The only official parser we can run is the PyPI ``dockerfile`` package, which
bundles BuildKit v0.12.5. ``expect`` runs it and corrects its answer for each
difference listed in BUILDKIT_DIFFERENCES.md, so the tests hold slimfix to HEAD:

- D1/D2 directives: the header is read with HEAD's rules (buildkit_directives)
  and handed to v0.12.5 rewritten as one ``# escape=`` line;
- D3 ENV/LABEL: the separator node is added to ``value``;
- D4 JSON followed by text: turned back into the shell form HEAD falls back to;
- D5 flags under ``# escape=```: re-read with HEAD's flag splitter;
- D6/D7 heredoc words: the lines are rewritten so v0.12.5 finds the heredocs
  HEAD finds, and every string is mapped back afterwards.

It also undoes three things the package itself does: it appends heredoc bodies
to ``original``, it drops the heredocs of ONBUILD instructions, and it cuts
strings at a NUL character (JSON "\\u0000").

Inputs it cannot bring to HEAD behaviour raise CannotEmulate (listed in
BUILDKIT_DIFFERENCES.md); callers report them as such.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional, Union

import dockerfile

from .buildkit_directives import read_header
from .buildkit_flags import split_command
from .buildkit_text import (
    BOM,
    GO_SPACE,
    RE_WHITESPACE,
    is_comment,
    logical_line_end,
    logical_text,
    physical_lines,
    trim_leading_space,
    trim_newline,
)

KEYWORDS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER "
    "ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_MAYBE_JSON = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL"})
_JSON_OR_LIST = frozenset({"COPY", "ADD", "VOLUME"})
NO_INSTRUCTIONS = "file with no instructions"
NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"
UNKNOWN_INSTRUCTION = "unknown instruction"
NOT_ONBUILD_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


class CannotEmulate(Exception):
    """The input hits a HEAD difference that v0.12.5 cannot be steered to."""


@dataclass(frozen=True)
class Heredoc:
    name: str
    content: str
    file_descriptor: int


@dataclass(frozen=True)
class Record:
    keyword: str
    sub_keyword: Optional[str]
    start_line: int
    end_line: int
    flags: tuple
    is_exec_form: bool
    value: tuple
    original: str
    heredocs: tuple


@dataclass(frozen=True)
class Accepted:
    records: tuple


@dataclass(frozen=True)
class Rejected:
    message: str
    line: Optional[int]  # None: BuildKit gives no usable line (see plausible_error_line)


Expectation = Union[Accepted, Rejected]


def record_of(instruction) -> Record:
    """The comparable fields of a slimfix Instruction."""
    return Record(
        keyword=instruction.keyword,
        sub_keyword=instruction.sub_keyword,
        start_line=instruction.start_line,
        end_line=instruction.end_line,
        flags=tuple(instruction.flags),
        is_exec_form=instruction.is_exec_form,
        value=tuple(instruction.value),
        original=instruction.original,
        heredocs=tuple(
            Heredoc(h.name, h.content, h.file_descriptor) for h in instruction.heredocs
        ),
    )


def expect(text: str, instructions_read: bool = True) -> Expectation:
    """BuildKit HEAD's reading of `text`.

    Unknown instructions and ONBUILD ONBUILD/FROM/MAINTAINER count as rejected:
    the parser takes them, but BuildKit's instruction reader, which runs after
    the whole file is parsed, rejects them (unless `instructions_read` is False).
    """
    header = read_header(text)
    if header.error is not None:
        return Rejected(header.error, header.error_line)
    escape = header.escape
    work = _rewrite_header(text, header)
    work, subs = _steer_heredoc_words(work, escape)
    try:
        commands = dockerfile.parse_string(work)
    except dockerfile.GoParseError as error:
        message = str(error)
        if message == NO_INSTRUCTIONS:
            return Accepted(())
        if message == NOT_STRING_ARRAY and re.search(r"\][^\S\n]*[^\s\]]", work):
            raise CannotEmulate("non-string JSON array followed by text (D4)") from None
        return Rejected(message, None)
    onbuild_heredocs = _onbuild_heredocs(work, commands, escape)
    records = tuple(
        _to_head(command, escape, subs, onbuild_heredocs.get(command.start_line))
        for command in commands
    )
    for record in records if instructions_read else ():
        if record.keyword not in KEYWORDS or (
            record.sub_keyword is not None and record.sub_keyword not in KEYWORDS
        ):
            return Rejected(UNKNOWN_INSTRUCTION, record.start_line)
        if record.sub_keyword in NOT_ONBUILD_TRIGGERS:
            return Rejected(f"{record.sub_keyword} isn't allowed as an ONBUILD trigger", record.start_line)
    return Accepted(records)


def plausible_error_line(text: str, line: int) -> Optional[str]:
    """Why `line` cannot be where BuildKit's first error in `text` is, or None.

    v0.12.5 reports no line, so this checks what must hold: the parser accepts
    everything before `line` and it does not run on into it, and the logical
    line that starts there is rejected. (Parser errors come before the
    instruction reader's, so an unknown instruction earlier does not count.)
    """
    lines = physical_lines(text)
    if not 1 <= line <= len(lines):
        return f"line {line} is outside the file ({len(lines)} lines)"
    escape = read_header(text).escape
    before = expect("".join(lines[: line - 1]), instructions_read=False)
    if isinstance(before, Rejected):
        return f"the text before line {line} is already rejected ({before.message})"
    if before.records:
        last = before.records[-1]
        if logical_line_end(lines, last.start_line - 1, escape) >= line - 1:
            return f"line {line} continues the instruction from line {last.start_line}"
    if not trim_leading_space(trim_newline(lines[line - 1])):
        return f"line {line} is blank"
    end = logical_line_end(lines, line - 1, escape)
    through = expect("".join(lines[: end + 1]))
    if isinstance(through, Accepted):
        return f"the instruction at line {line} is accepted"
    return None


# --- D1/D2: directives --------------------------------------------------------


def _rewrite_header(text: str, header) -> str:
    """Directive lines become "#"; the first line carries HEAD's escape token."""
    if not header.directives:
        return text
    lines = physical_lines(text)
    for directive in header.directives:
        index = directive.line - 1
        ending = lines[index][len(trim_newline(lines[index])) :]
        bom = BOM if index == 0 and lines[0].startswith(BOM) else ""
        lines[index] = bom + "#" + ending
    if any(d.name == "escape" for d in header.directives):
        ending = lines[0][len(trim_newline(lines[0])) :]
        bom = BOM if lines[0].startswith(BOM) else ""
        lines[0] = f"{bom}# escape={header.escape}{ending}"
    return "".join(lines)


# --- D6/D7: heredoc words ----------------------------------------------------

_SPACED_HEREDOC = re.compile(r"(?<!<)(\d*)<<([ \t\r]+)(?=\S)")
_PATTERN_OPERATOR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(%%?|##?|//?(?=[^}/$]*/))")


def _steer_heredoc_words(work: str, escape: str) -> tuple:
    """Rewrite heredoc-capable lines so v0.12.5 lexes heredoc words as HEAD does.

    Returns the new text and the (rewritten, original) snippets to map back.
    """
    lines = physical_lines(work)
    subs: list = []
    index = 0
    while index < len(lines):
        if is_comment(lines[index]) or not trim_leading_space(trim_newline(lines[index])):
            index += 1
            continue
        end = logical_line_end(lines, index, escape)
        if _can_hold_heredocs(logical_text(lines, index, end, escape)):
            for k in range(index, end + 1):
                if not is_comment(lines[k]):
                    lines[k] = _steer_line(lines[k], escape, subs, work)
            leftover = logical_text(lines, index, end, escape)
            if _SPACED_HEREDOC.search(leftover):
                raise CannotEmulate("'<<' and its word on different lines (D6)")
            end = _instruction_end(lines, index, end, escape)
        index = end + 1
    text = "".join(lines)
    subs = _unique(subs)
    if _restore(text, subs) != work:
        raise CannotEmulate("rewritten heredoc words cannot be mapped back unambiguously")
    return text, subs


def _can_hold_heredocs(logical: str) -> bool:
    words = RE_WHITESPACE.split(logical.strip(GO_SPACE), maxsplit=2)
    keyword = words[0].upper()
    if keyword == "ONBUILD" and len(words) > 1:
        keyword = words[1].upper()
    return keyword in HEREDOC_KEYWORDS


_HEREDOC_THEN_NESTED_PARAMETER = re.compile(r"<<[^\s]*\$\{[A-Za-z_][A-Za-z0-9_]*[:+\-?#%/]")


def _steer_line(line: str, escape: str, subs: list, work: str) -> str:
    if _HEREDOC_THEN_NESTED_PARAMETER.search(line):
        raise CannotEmulate("'<<' and a ${name:-...} in one word (D8)")
    out = []
    pos = 0
    for match in _SPACED_HEREDOC.finditer(line):
        if match.start() < pos:
            continue
        word = re.match(r"\S+", line[match.end() :]).group(0)
        if word[0] == "-" or "<" in word or word.count('"') % 2 or word.count("'") % 2:
            raise CannotEmulate(f"heredoc word {word!r} after '<< ' (D6)")
        if word == escape:
            raise CannotEmulate("'<< ' before a line continuation (D6)")
        new = match.group(1) + "<<" + word + match.group(2)  # the space moves behind the word
        subs.append((new, match.group(0) + word))
        out.append(line[pos : match.start()])
        out.append(new)
        pos = match.end() + len(word)
    out.append(line[pos:])
    line = "".join(out)

    def neutral_operator(match: re.Match) -> str:
        for stand_in in "-+?":
            new = "${" + match.group(1) + stand_in * len(match.group(2))
            taken = any(n == new and o != match.group(0) for n, o in subs)
            if new not in work and not taken:
                subs.append((new, match.group(0)))
                return new
        raise CannotEmulate("no free stand-in for a ${name%...} operator (D7)")

    return _PATTERN_OPERATOR.sub(neutral_operator, line)


def _instruction_end(lines: list, start: int, end: int, escape: str) -> int:
    """Last line of the instruction at `start`, heredoc bodies included."""
    prefix = f"# escape={escape}\n" if escape != "\\" else ""
    shift = 1 if prefix else 0
    for stop in range(end + 1, len(lines) + 1):
        try:
            commands = dockerfile.parse_string(prefix + "".join(lines[start:stop]))
        except dockerfile.GoParseError as error:
            if str(error) == "unterminated heredoc":
                continue
            return end
        return start + commands[0].end_line - 1 - shift if commands else end
    return len(lines) - 1


def _unique(pairs: list) -> tuple:
    """Distinct pairs, longest rewrite first so that none eats part of another."""
    return tuple(sorted(dict.fromkeys(pairs), key=lambda pair: -len(pair[0])))


def _restore(text: str, subs: tuple) -> str:
    for new, old in subs:
        text = text.replace(new, old)
    return text


# --- package artefact: ONBUILD heredocs ---------------------------------------


def _onbuild_heredocs(work: str, commands, escape: str) -> dict:
    """Heredocs of ONBUILD RUN/COPY/ADD, read with the ONBUILD keyword blanked out."""
    starts = [
        c.start_line
        for c in commands
        if (c.cmd or "").upper() == "ONBUILD" and (c.sub_cmd or "").upper() in HEREDOC_KEYWORDS
    ]
    if not starts:
        return {}
    lines = physical_lines(work)
    for start in starts:
        blanked = re.sub(r"(?i)^(\s*)onbuild(?=\s)", lambda m: m.group(1) + " " * 7, lines[start - 1])
        if blanked == lines[start - 1]:
            raise CannotEmulate("ONBUILD keyword not at the start of its line")
        lines[start - 1] = blanked
    try:
        variant = dockerfile.parse_string("".join(lines))
    except dockerfile.GoParseError as error:
        raise CannotEmulate(f"ONBUILD heredoc variant rejected: {error}") from None
    by_start = {c.start_line: c for c in variant}
    return {start: by_start[start].heredocs for start in starts if start in by_start}


# --- per instruction ----------------------------------------------------------


def _to_head(command, escape: str, subs: tuple, onbuild_heredocs) -> Record:
    # the package appends heredoc bodies to `original`; BuildKit's is the line alone
    # (and gives None for an empty logical line)
    original = _restore((command.original or "").split("\n", 1)[0], subs)
    keyword, flags, args = split_command(original, escape)
    old_keyword, old_flags, old_args = split_command(original, "\\")
    if not subs and tuple(command.flags) != old_flags:
        raise AssertionError(f"flag splitter disagrees with v0.12.5 on {original!r}")
    sub_keyword = None
    inner_args, inner_old_args = args, old_args
    if keyword.upper() == "ONBUILD" and args:
        sub_keyword, _, inner_args = split_command(args, escape)
        _, _, inner_old_args = split_command(old_args, "\\")
        sub_keyword = sub_keyword.upper()
    acting = sub_keyword or keyword.upper()

    value = tuple(_restore(v, subs) for v in command.value)
    is_json = bool(command.json)
    if inner_args != inner_old_args:  # D5: flags ended elsewhere
        value, is_json = _reparse_arguments(acting, inner_args, escape)
    if subs and acting in _JSON_OR_LIST and not is_json and value != ():
        value = tuple(RE_WHITESPACE.split(inner_args))
    value, is_json = _json_trailing_text(acting, inner_args, value, is_json)
    if is_json and re.search(r"\\u0000", inner_args):  # the package cuts strings at NUL
        value = _json_strings(acting, inner_args)
    if acting in ("ENV", "LABEL"):
        value = _with_separators(inner_args, value)

    heredocs = command.heredocs if onbuild_heredocs is None else onbuild_heredocs
    return Record(
        keyword=keyword.upper(),
        sub_keyword=sub_keyword,
        start_line=command.start_line,
        end_line=command.end_line,
        flags=flags,
        is_exec_form=is_json,
        value=value,
        original=original,
        heredocs=tuple(
            Heredoc(_restore(h.name, subs), _restore(h.content, subs), h.file_descriptor)
            for h in heredocs
        ),
    )


def _reparse_arguments(keyword: str, args: str, escape: str) -> tuple:
    try:
        [command] = dockerfile.parse_string(f"# escape={escape}\n{keyword} {args}\n")
    except (dockerfile.GoParseError, ValueError) as error:
        raise CannotEmulate(f"cannot re-read arguments {args!r}: {error}") from None
    return tuple(command.value), bool(command.json)


def _json_trailing_text(keyword: str, args: str, value: tuple, is_json: bool) -> tuple:
    """D4: HEAD treats a JSON array followed by more text as shell form."""
    if not is_json:
        return value, is_json
    typ = None
    payload = args
    if keyword == "HEALTHCHECK":
        match = re.match(r"(\S+)\s*", args)  # byte-wise IsSpace, ASCII in practice
        typ, payload = match.group(1), args[match.end() :]
    array = payload.lstrip(GO_SPACE)
    try:
        _, end = json.JSONDecoder().raw_decode(array)
    except ValueError:
        return value, is_json
    if not array[end:].strip(" \t\r\n"):
        return value, is_json
    if keyword in _JSON_OR_LIST:
        return tuple(RE_WHITESPACE.split(payload)), False
    if typ is not None:
        return (typ, payload), False
    return (payload,), False


def _json_strings(keyword: str, args: str) -> tuple:
    payload = args.split(None, 1)[1] if keyword == "HEALTHCHECK" else args
    array, _ = json.JSONDecoder().raw_decode(payload.lstrip(GO_SPACE))
    strings = tuple(array)
    return (args.split(None, 1)[0],) + strings if keyword == "HEALTHCHECK" else strings


def _with_separators(args: str, value: tuple) -> tuple:
    """D3: HEAD adds "=" (or "" for the legacy `KEY value` form) after each pair."""
    if not value:
        return value
    if len(value) == 2 and not args.startswith(value[0] + "="):
        return value + ("",)
    out: list = []
    for index in range(0, len(value), 2):
        out.extend(value[index : index + 2])
        out.append("=")
    return tuple(out)

