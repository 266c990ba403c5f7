"""Syntax: pre-lexer, lark grammar, lossless nodes, code generation."""

from .nodes import (
    BlankLine,
    Comment,
    Continuation,
    ContinuationBlank,
    ContinuationComment,
    Directive,
    Dockerfile,
    Heredoc,
    Instruction,
    Node,
    Stage,
    Text,
)
from .parser import ParseError, parse

__all__ = [
    "BlankLine", "Comment", "Continuation", "ContinuationBlank", "ContinuationComment", "Directive",
    "Dockerfile", "Heredoc", "Instruction", "Node", "ParseError", "Stage", "Text", "parse",
]
