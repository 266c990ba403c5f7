"""SF008 node-package-cache-kept: npm and Yarn fixes, Yarn 2+ and pnpm, agreement with hadolint."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.semantics.savings import cache_size

from .conftest import assert_fix_removes_hadolint_code


def _run(text: str, **settings):
    return fix_text(text, "Dockerfile", Settings(**{"select": ("SF008",), **settings}))


def test_npm_is_fixed_by_default_and_yarn_only_with_unsafe_fixes():
    text = "FROM node:20\nRUN npm ci\nRUN yarn install\n"
    default = _run(text, select=("node-package-cache-kept",))
    assert default.output == "FROM node:20\nRUN npm ci && npm cache clean --force\nRUN yarn install\n"
    unsafe = _run(text, select=("node-package-cache-kept",), unsafe_fixes=True)
    assert unsafe.output.endswith("RUN yarn install && yarn cache clean\n")
    assert unsafe.savings == cache_size("npm", [], projects=1) + 150_000_000  # npm measured, Yarn typical


def test_npm_savings_are_the_measured_cache_of_the_named_packages():
    [fixed] = _run("FROM node:20\nRUN npm install express@4 lodash @types/node@20\n").fixed
    assert fixed.savings == cache_size("npm", ["express", "lodash", "@types/node"])
    assert cache_size("npm", ["express"]) < fixed.savings


@pytest.mark.parametrize("text", [
    "FROM node:20\nRUN corepack enable\nRUN yarn install\n",
    "FROM node:20\nCOPY .yarnrc.yml ./\nRUN yarn\n",
    "FROM node:20\nRUN yarn install --immutable --immutable-cache\n",
    "FROM node:20\nRUN yarn dlx create-app && yarn install\n",
])
def test_yarn_2_or_later_is_not_reported(text):
    assert _run(text).diagnostics == []


def test_pnpm_is_reported_without_a_fix():
    [diagnostic] = _run("FROM node:20\nRUN pnpm install --frozen-lockfile\n").diagnostics
    assert diagnostic.code == "SF008" and diagnostic.fix is None


def test_pnpm_with_a_store_mount_or_prune_is_not_reported():
    text = ("FROM node:20\nRUN --mount=type=cache,target=/pnpm/store pnpm install\n"
            "RUN pnpm install && pnpm store prune\n")
    assert _run(text).diagnostics == []


def test_a_cleanup_before_the_install_does_not_count():
    result = _run("FROM node:20\nRUN npm cache clean --force && npm install\n")
    assert result.output.endswith("npm install && npm cache clean --force\n")


def test_hadolint_dl3060_is_gone_after_the_fix(tmp_path):
    text = "FROM node:20\nRUN yarn install --frozen-lockfile\n"
    assert_fix_removes_hadolint_code(text, _run(text).output, "DL3060", tmp_path)
