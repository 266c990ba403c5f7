"""``python -m slimfix``: the same as the ``slimfix`` command."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="slimfix")
