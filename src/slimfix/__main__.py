"""``python -m slimfix``: the same as the ``slimfix`` command."""

from .argv import main

if __name__ == "__main__":
    main()
