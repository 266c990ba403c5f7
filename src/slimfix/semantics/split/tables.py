"""What the split knows about package managers, dependency ecosystems, programs and paths."""

from __future__ import annotations

import re

WINDOWS_IMAGES = ("windows", "nanoserver", "servercore")
MANAGERS = {"apt": "debian", "apk": "alpine"}
# Files that describe an ecosystem's dependencies: a copy of nothing else is needed only by the
# builder (when that ecosystem is built).
MANIFESTS = {
    "python": re.compile(r"(requirements|constraints)[\w.-]*\.(txt|in)|setup\.(py|cfg)|pyproject\.toml|Pipfile"
                         r"(\.lock)?|poetry\.lock"),
    "node": re.compile(r"package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|\.npmrc|\.yarnrc(\.yml)?"),
    "go": re.compile(r"go\.(mod|sum|work|work\.sum)"),
}
USUAL_MANIFESTS = {
    "python": ("requirements.txt", "setup.py", "setup.cfg", "pyproject.toml", "Pipfile.lock", "poetry.lock"),
    "node": ("package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock"),
    "go": ("go.mod", "go.sum"),
}
# What cleanup commands may remove: caches, nothing the image uses.
CACHE_DIRS = ("/var/lib/apt/lists", "/var/cache/apt", "/var/cache/apk", "/tmp", "/root/.cache", "/root/.npm")
USER_PROGRAMS = frozenset({"useradd", "adduser", "groupadd", "addgroup", "usermod"})
SETUP_PROGRAMS = USER_PROGRAMS | {"mkdir", "chmod", "chown", "ln", "touch", "update-ca-certificates", "locale-gen"}
# Packages a dependency install may need besides the build-only ones: to fetch sources.
FETCH_TOOLS = frozenset({"ca-certificates", "curl", "openssh-client"})
# Build-only for an ecosystem though not in general (node-gyp needs Python).
ECOSYSTEM_BUILD_TOOLS = {"node": frozenset({"python3", "python", "python-is-python3"})}
# Programs that run in the runtime stage after the build as they did before: they need no
# build tooling (others, such as an install script, might).
RUNTIME_PROGRAMS = frozenset({
    "echo", "printf", "true", "test", "[", "cat", "tee", "cp", "mv", "sed", "find", "tar", "gzip", "unzip",
    "curl", "wget", "git", "chgrp", "python", "python3", "node",
})
# Programs that need a toolchain: left in the runtime stage, they would fail there.
TOOLCHAIN_PROGRAMS = frozenset({"gcc", "g++", "cc", "c++", "clang", "make", "cmake", "cargo", "rustc", "go", "mvn", "gradle"})
PIP_ENV_CONFLICTS = frozenset({"PIP_USER", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PYTHONUSERBASE", "VIRTUAL_ENV"})
PIP_TOOLING = frozenset({"pip", "setuptools", "wheel"})
NODE_BUILD_SUBCOMMANDS = frozenset({"run", "run-script", "rebuild", "test", "exec"})
GO_BUILD_SUBCOMMANDS = frozenset({"build", "mod", "get", "generate", "test", "vet", "install"})
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
