"""Split a single-stage build into a builder stage and a runtime stage (rule SF011).

``analyse(ctx)`` looks for a file with one stage that installs build tooling (compilers, headers,
or simply a full base image that has a slim variant) and then installs the application's
dependencies with pip, npm or yarn, or builds a Go binary. It returns None when there is nothing
to split, else a ``SplitProposal`` that carries either a ``SplitRewrite`` (the new text of the
file from its ``FROM`` on) or the reason no plan could be made with confidence.

- ``survey``: the tolerant first look (ecosystems, build steps, the tooling that ships);
- ``analysis``: the strict reading the plan relies on, with the reasons to refuse;
- ``commands``: the ecosystem and role of one shell command;
- ``plan``, ``runs``, ``copies``: what goes to which stage, a RUN split command by command, and
  the files passed between the stages;
- ``render``, ``trivia``: the new text in the author's style, comments and blank lines kept;
- ``tables``: the package, program and ecosystem lists.
"""

from __future__ import annotations

from .finding import SplitProposal, analyse
from .plan import SplitRewrite

__all__ = ["SplitProposal", "SplitRewrite", "analyse"]
