"""The shell inside RUN: a lossless syntax tree, a walker, typed command views and text edits.

Input is the *logical* shell text of a RUN (continuations already joined by the Dockerfile side);
every position is a character offset into that text.

Tree (``slimfix.shell.nodes``)
    ``parse_shell(text) -> Script`` never raises on malformed input and ``Script.code == text``.
    Nodes are frozen records with ``start``/``end``; composites keep ordered ``parts`` (strings
    for keywords, operators and blanks, plus child nodes) and typed fields: ``Script.body`` is a
    ``CommandList`` of ``items`` joined by ``Operator``s (``&&``, ``||``, ``;``, ``&``, newline);
    items are ``SimpleCommand`` (``assignments``, ``words``, ``redirects``), ``Pipeline``,
    compounds (``Subshell``, ``BraceGroup``, ``If``, ``For``, ``While``/``Until``, ``Case``,
    ``DoubleBracket``, ``ArithmeticCommand``), ``FunctionDef`` or ``Opaque``. A ``Word`` has
    ``parts`` (``Literal``, ``SingleQuoted``, ``DoubleQuoted``, ``Escape``, ``ParamExpansion``,
    ``CommandSubstitution``/``Backtick``/``ProcessSubstitution`` with parsed ``body``,
    ``ArithmeticExpansion``), ``.value`` (unquoted literal or None) and ``.text``. Comments and
    here-doc bodies are ``Comment``/``HereDoc`` leaves among the parts. Text the parser cannot model
    becomes ``Opaque`` (one command, or the rest of the list); ``Script.has_opaque`` tells. Rules
    must not edit inside ``Opaque`` nodes.

Walker (``slimfix.shell.walk``)
    ``walk_commands(script)`` yields a ``CommandContext`` per simple command in source order: its
    list/item/index, ancestors, pipeline, ``top_level``, ``in_condition``, ``in_substitution``,
    ``in_function``, ``errexit`` and ``and_chained``/``in_top_chain``/``failure_ignored_before``.
    ``context_of(script, command)`` finds one.

Commands (``slimfix.shell.commands``, ``slimfix.shell.rm``, ``slimfix.shell.shellopts``)
    ``classify(command) -> CommandView | None``: tool family, program words, wrappers, env,
    subcommand and ``action`` (install, remove, update_index, cache_clean, ...), ``options``
    (canonical ``name``, ``meaning``, value and words), positional ``args`` and ``packages``;
    ``view.has("no_cache")``. Tools are described as data in ``slimfix/packages``.
    ``rm.removes(view, "/var/lib/apt/lists/*")`` answers what an ``rm`` removes;
    ``shellopts.set_options(command)`` reads ``set -eux``.

Edits (``slimfix.shell.edit``)
    ``insert_option``, ``remove_command``, ``replace_word``, ``remove_words``: each an
    ``slimfix.edits.Edit`` on the shell text, which ``RunView.file_edit`` places in the file.
"""

from slimfix.shell.commands import CommandView, Option, Package, classify
from slimfix.shell.edit import (
    Edit,
    insert_option,
    remove_command,
    remove_words,
    replace_word,
)
from slimfix.shell.nodes import (
    ArithmeticCommand,
    Assignment,
    BraceGroup,
    Case,
    CaseClause,
    CommandList,
    Comment,
    Compound,
    DoubleBracket,
    For,
    FunctionDef,
    HereDoc,
    If,
    Node,
    Opaque,
    Operator,
    Pipeline,
    Redirect,
    Script,
    SimpleCommand,
    Subshell,
    Until,
    While,
    Word,
)
from slimfix.shell.parser import parse_shell
from slimfix.shell.walk import CommandContext, context_of, walk_commands

__all__ = [
    "ArithmeticCommand", "Assignment", "BraceGroup", "Case", "CaseClause", "CommandContext",
    "CommandList", "CommandView", "Comment", "Compound", "DoubleBracket", "Edit", "For",
    "FunctionDef", "HereDoc", "If", "Node", "Opaque", "Operator", "Option", "Package", "Pipeline",
    "Redirect", "Script", "SimpleCommand", "Subshell", "Until", "While", "Word",
    "classify", "context_of", "insert_option",
    "parse_shell", "remove_command", "remove_words", "replace_word", "walk_commands",
]
