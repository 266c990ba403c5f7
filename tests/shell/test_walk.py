from __future__ import annotations

from slimfix.shell import If, Subshell, context_of, walk_commands

from .lossless import parsed


def contexts(text: str):
    return {c.command.code: c for c in walk_commands(parsed(text))}


def test_commands_in_source_order_including_nested_ones():
    script = parsed("a; if b; then c | d; fi; (e && f); echo $(g) `h`; fn() { i; }")
    assert [c.command.code for c in walk_commands(script)] == [
        "a", "b", "c", "d", "e", "f", "echo $(g) `h`", "g", "h", "i"]


def test_top_level_and_chain():
    ctx = contexts("apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*")
    for c in ctx.values():
        assert c.top_level and c.in_top_chain and not c.failure_ignored_before
    assert ctx["apt-get install -y x"].index == 1
    assert ctx["apt-get install -y x"].joiner_before.op == "&&"
    assert ctx["rm -rf /var/lib/apt/lists/*"].joiner_after is None


def test_semicolon_makes_earlier_failures_ignored():
    ctx = contexts("apt-get update; apt-get install -y x && echo ok")
    install = ctx["apt-get install -y x"]
    assert install.failure_ignored_before
    assert not install.and_chained
    assert not ctx["apt-get update"].failure_ignored_before


def test_set_e_makes_sequences_safe():
    ctx = contexts("set -eux; apt-get update; apt-get install -y x")
    install = ctx["apt-get install -y x"]
    assert install.errexit
    assert not install.failure_ignored_before
    assert not ctx["set -eux"].errexit


def test_set_plus_e_and_subshell_scope():
    ctx = contexts("set -e; (set +e; a); b; set +e; c")
    assert not ctx["a"].errexit
    assert ctx["b"].errexit
    assert not ctx["c"].errexit


def test_or_joiner_ignores_failure_even_with_errexit():
    ctx = contexts("set -e; a || true; b")
    assert ctx["b"].failure_ignored_before


def test_install_inside_if():
    ctx = contexts("if [ \"$X\" = 1 ]; then apt-get install -y x; fi && echo ok")
    install = ctx["apt-get install -y x"]
    assert not install.top_level
    assert [type(c) for c in install.compounds] == [If]
    assert install.list.items[install.index] is install.command
    assert ctx['[ "$X" = 1 ]'].in_condition
    assert not install.in_condition


def test_pipeline_context():
    ctx = contexts("curl -fsSL https://x | sh && b")
    assert ctx["curl -fsSL https://x"].in_pipeline
    assert ctx["sh"].pipeline is ctx["curl -fsSL https://x"].pipeline
    assert ctx["sh"].item is ctx["sh"].pipeline
    assert not ctx["b"].in_pipeline


def test_substitution_and_function_flags():
    ctx = contexts("echo \"$(uname -m)\"; f() { apt-get update; }")
    assert ctx["uname -m"].in_substitution and not ctx["uname -m"].top_level
    assert ctx["apt-get update"].in_function


def test_subshell_is_an_ancestor():
    ctx = contexts("(cd /src && make install)")
    assert isinstance(ctx["make install"].compounds[0], Subshell)
    assert ctx["make install"].and_chained
    assert not ctx["make install"].in_top_chain


def test_opaque_regions_are_skipped():
    script = parsed("a && echo 'broken; b")
    assert [c.command.code for c in walk_commands(script)] == ["a"]


def test_context_of_finds_a_command():
    script = parsed("a; b")
    cmd = script.body.items[1]
    assert context_of(script, cmd).index == 1
