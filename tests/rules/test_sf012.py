"""SF012 downloaded-archive-kept: what counts as a download, an unpacking and a later use, and
how sure the fix is."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.rules import Applicability
from slimfix.semantics.archives import MAYBE, NO, YES, PathRef, downloaded_path, unpacked_paths
from slimfix.shell import parse_shell
from slimfix.shell.commands import classify
from slimfix.shell.walk import walk_commands


def _diagnostics(text: str):
    return fix_text(text, "Dockerfile", Settings(select=("SF012",)), fix=False).diagnostics


def _command(text: str):
    [ctx] = list(walk_commands(parse_shell(text)))
    return ctx.command, classify(ctx.command)


@pytest.mark.parametrize("text, path", [
    ("curl -fsSLo /tmp/a.tgz https://e.com/a.tgz", "/tmp/a.tgz"),
    ("curl --output=a.tgz https://e.com/a.tgz", "a.tgz"),
    ("curl -LO https://e.com/x/a.tgz", "a.tgz"),
    ("curl --output-dir /tmp -O https://e.com/x/a.tgz", "/tmp/a.tgz"),
    ("wget -q https://e.com/x/a.tgz", "a.tgz"),
    ("wget -qO /tmp/b.tgz https://e.com/x/a.tgz", "/tmp/b.tgz"),
    ("wget -P /opt https://e.com/x/a.tgz", "/opt/a.tgz"),
    ("wget -O- https://e.com/x/a.tgz", None),
    ("curl https://e.com/a.tgz", None),
    ("curl -o a.tgz -o b.tgz https://e.com/a.tgz https://e.com/b.tgz", None),
    ("curl -O https://e.com/get?f=a.tgz", None),
    ("curl --frobnicate -o a.tgz https://e.com/a.tgz", None),
    ("wget -N https://e.com/a.tgz", None),
    ("wget --content-disposition https://e.com/a.tgz", None),
    ('curl -o "$OUT" https://e.com/a.tgz', None),
])
def test_the_file_a_download_writes(text, path):
    _, view = _command(text)
    assert downloaded_path(view) == path


@pytest.mark.parametrize("text, paths", [
    ("tar xzf a.tgz", ("a.tgz",)),
    ("tar -xzf a.tgz -C /opt", ("a.tgz",)),
    ("tar -C /opt -x -z -f a.tgz", ("a.tgz",)),
    ("tar --extract --file a.tgz", ("a.tgz",)),
    ("tar --extract --file=a.tgz --strip-components 1", ("a.tgz",)),
    ("tar -xvf a.tgz --strip-components=1", ("a.tgz",)),
    ("tar xCf /opt a.tgz", ("a.tgz",)),
    ("tar -tzf a.tgz", ()),
    ("tar -czf a.tgz dir", ()),
    ("tar -xzf -", ()),
    ("tar -xzfa.tgz", ()),
    ("tar --mystery a -xzf a.tgz", ()),
    ("unzip -q -o a.zip -d /opt", ("a.zip",)),
    ("unzip -d /opt a.zip", ("a.zip",)),
    ("dpkg -i a.deb b.deb", ("a.deb", "b.deb")),
    ("dpkg --force-depends -i a.deb", ("a.deb",)),
    ("dpkg -R -i /debs", ()),
    ("apt-get install -y ./a.deb curl", ("./a.deb",)),
    ("apt-get install -y a.deb", ()),
    ("pip install --no-cache-dir a-1.0-py3-none-any.whl", ("a-1.0-py3-none-any.whl",)),
    ("pip install https://e.com/a.whl", ()),
])
def test_what_a_command_unpacks(text, paths):
    command, view = _command(text)
    assert unpacked_paths(command, view) == paths


@pytest.mark.parametrize("value, seen", [
    ("/tmp/dl/a.tgz", YES), ("/tmp/dl", YES), ("/tmp/dl/", YES), ("/tmp", YES), ("/", YES),
    ("dl", YES), ("tmp/dl", YES), (".", YES), ("..", YES), ("../..", YES), ("/tmp/dl/*", YES),
    ("/tmp/*.tgz", YES), ("/tmp/d?", YES), ("/tmp/other", NO), ("/var/lib/apt/lists/*", NO),
    ("/tmp/dl/*.zip", NO), ("configure", NO),
])
def test_what_may_refer_to_a_file(value, seen):
    ref = PathRef("/tmp/dl/a.tgz", "/tmp/dl/a.tgz")
    assert ref.mention(value, value, any(c in value for c in "*?[")) == seen


def test_an_absolute_path_may_hold_a_file_whose_directory_is_unknown():
    ref = PathRef("a.tgz", None)
    assert ref.mention("/usr/share/doc", "/usr/share/doc", False) == MAYBE
    assert ref.mention("sub", "sub", False) == NO
    assert ref.mention("*.tgz", "*.tgz", True) == YES


@pytest.mark.parametrize("text", [
    "FROM debian\nRUN . /opt/env.sh && curl -o /tmp/a.tgz https://e.com/a.tgz && tar -xzf /tmp/a.tgz\n",
    "FROM debian\nRUN rm() { :; } && curl -o /tmp/a.tgz https://e.com/a.tgz && tar -xzf /tmp/a.tgz\n",
    "FROM debian\nRUN PATH=/opt/bin && curl -o /tmp/a.tgz https://e.com/a.tgz && tar -xzf /tmp/a.tgz\n",
    "FROM debian\nRUN export PATH=/opt/bin:$PATH && curl -o /tmp/a.tgz https://e.com/a.tgz && tar -xzf /tmp/a.tgz\n",
])
def test_no_fix_where_rm_may_run_something_else(text):
    """The RUN's shell state could change what an appended rm runs (shell_state.toml)."""
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix is None and "a command added at the end would run after it" in diagnostic.message


@pytest.mark.parametrize("text", [
    "FROM debian\nRUN curl -o a.tgz https://e.com/a.tgz && tar -xzf a.tgz && cp -r /usr/local/x /opt\n",
])
def test_unsure_fixes_are_unsafe(text):
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix is not None and diagnostic.fix.applicability == Applicability.UNSAFE


@pytest.mark.parametrize("text", [
    "FROM debian\nWORKDIR /w\nRUN curl -o a.tgz https://e.com/a.tgz && tar -xzf a.tgz && cp -r /usr/local/x /opt\n",
    "FROM debian\nRUN cd /w && curl -o a.tgz https://e.com/a.tgz && tar -xzf a.tgz && cd a && make\n",
])
def test_certain_fixes_are_safe(text):
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix is not None and diagnostic.fix.applicability == Applicability.SAFE


def test_a_relative_path_is_removed_by_its_absolute_path_after_a_cd():
    text = "FROM debian\nRUN cd /w && curl -o a.tgz https://e.com/a.tgz && tar -xzf a.tgz && cd a && make\n"
    output = fix_text(text, "Dockerfile", Settings(select=("SF012",))).output
    assert output.rstrip().endswith("&& make && rm -f /w/a.tgz")


def test_one_fix_removes_every_archive_of_the_run():
    text = ("FROM debian\nRUN curl -o /tmp/a.tgz https://e.com/a && curl -o /tmp/b.deb https://e.com/b"
            " && tar -xzf /tmp/a.tgz && dpkg -i /tmp/b.deb\n")
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix.message == "append `rm -f /tmp/a.tgz /tmp/b.deb`"
    assert diagnostic.savings == 40_000_000


def test_a_copy_from_a_variable_path_makes_the_fix_unsafe():
    text = ("FROM debian AS build\nENV D=/tmp\nRUN curl -o /tmp/a.tgz https://e.com/a && tar -xzf /tmp/a.tgz -C /opt\n"
            "FROM debian\nCOPY --from=build $D /x\n")
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix.applicability == Applicability.UNSAFE


def test_a_bare_assignment_does_not_hide_the_working_directory():
    text = ('FROM debian\nRUN cd /usr/src && arch="$(uname -m)" && curl -LO https://e.com/x/a.tar.gz'
            ' && tar -xzf a.tar.gz && cd a && make && rm -rf /usr/src/a*\n')
    assert _diagnostics(text) == []  # the glob removes the archive


def test_wget_may_not_write_a_name_that_is_already_there():
    text = ("FROM debian\nWORKDIR /w\nCOPY a.tar.gz ./\n"
            "RUN wget https://e.com/x/a.tar.gz && tar -xzf a.tar.gz\n")
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix.applicability == Applicability.UNSAFE
    text = "FROM debian\nWORKDIR /w\nRUN wget -O a.tar.gz https://e.com/x/a.tar.gz && tar -xzf a.tar.gz\n"
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix.applicability == Applicability.SAFE


def test_curl_overwrites_a_name_that_is_already_there():
    text = "FROM debian\nWORKDIR /w\nRUN rm -f a.tgz; curl -o a.tgz https://e.com/a.tgz && tar -xzf a.tgz\n"
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix.applicability == Applicability.SAFE


def _later_use_one_by_one(ref, instructions, index):
    """What SF012 answers for the instructions after ``index`` by asking each in turn."""
    from slimfix.rules.sf012_downloaded_archive_kept import _LISTER_WORD
    from slimfix.rules.shell_paths import mention_in

    sure = True
    for instruction in instructions[index + 1:]:
        lister = _LISTER_WORD.search(instruction.code) if instruction.effective_keyword == "RUN" else None
        if lister is not None:
            return f"line {instruction.start_line} lists a folder that may hold it (`{lister.group(2)}`)", False
        seen, text = mention_in(ref, instruction)
        if seen == YES:
            return f"line {instruction.start_line} may use it (`{text}`)", False
        sure = sure and seen == NO
    return None, sure


LATER = """\
FROM alpine AS base
RUN echo start
COPY --from=base /tmp/ /opt/
RUN cat ../..
COPY --from=base $SRC /x
RUN tar -tf /opt/*.tgz
WORKDIR /srv
RUN cp dl/a.tgz /backup
RUN echo /etc/hosts
ENV A=b.tgz
RUN rm -f "/tmp/c?.zip"
RUN cat 'dl/[ab].tgz' <<EOF
x.deb
EOF
RUN cat tmp
RUN du -sh /
COPY --from=base ${LIB}/ /lib/
RUN cat /etc/motd
RUN echo done
"""


def test_later_uses_answer_as_each_instruction_asked_in_turn():
    from slimfix.rules.sf012_downloaded_archive_kept import _LaterUses
    from slimfix.syntax import parse

    instructions = parse(LATER).instructions
    uses = _LaterUses(instructions)
    refs = [PathRef(written, absolute) for written, absolute in [
        ("/tmp/a.tgz", "/tmp/a.tgz"), ("a.tgz", None), ("dl/a.tgz", None), ("dl/a.tgz", "/srv/dl/a.tgz"),
        ("/tmp/c1.zip", "/tmp/c1.zip"), ("x.deb", None), ("/opt/z.tgz", "/opt/z.tgz"), ("q.whl", None),
        ("/var/q.whl", "/var/q.whl"), ("dir/", None), ("/srv/b.tgz", "/srv/b.tgz")]]
    kinds = set()
    for ref in refs:
        for index in range(-1, len(instructions)):
            expected = _later_use_one_by_one(ref, instructions, index)
            assert uses.after(ref, index) == expected, (ref, index)
            kinds.add(("listed" if "lists" in expected[0] else "used") if expected[0] else f"sure={expected[1]}")
    # every kind of answer is among those compared
    assert kinds == {"listed", "used", "sure=True", "sure=False"}
