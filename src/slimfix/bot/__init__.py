"""``slimfix bot``: run slimfix over a repository and propose the result as a
merge request (GitLab) or pull request (GitHub), the way Renovate proposes
version updates.

The bot works in a private temporary repository that fetches from the remote;
the user's checkout is never changed. Each run recomputes the fixes from the
target branch and then does the least that brings the remote in line: nothing,
create the branch and its request, update both, or close the request and
delete the branch. It never force-pushes over commits it did not make.

The core never imports this package; the forge clients it needs come with the
``bot`` extra and are imported only when a forge is used.
"""
