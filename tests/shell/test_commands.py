from __future__ import annotations

import pytest

from slimfix.shell import classify, walk_commands

from .lossless import parsed


def views(text: str):
    return [classify(c.command) for c in walk_commands(parsed(text))]


def view(text: str):
    (v,) = views(text)
    assert v is not None
    return v


def opts(v):
    return [(o.name, o.value) for o in v.options]


def pkgs(v):
    return [(p.name, p.op, p.version) for p in v.packages]


def test_apt_install_with_env_and_versions():
    v = view("DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends a b=1.2 c")
    assert (v.tool, v.program, v.subcommand, v.action) == ("apt", "apt-get", "install", "install")
    assert v.has("assume_yes") and v.has("no_install_recommends")
    assert pkgs(v) == [("a", None, None), ("b", "=", "1.2"), ("c", None, None)]
    assert [p.pinned for p in v.packages] == [False, True, False]
    assert v.env_value("DEBIAN_FRONTEND") == "noninteractive"
    assert v.packages[1].word.start == v.command.code.index("b=1.2")


def test_apt_options_before_subcommand_and_combined_flags():
    v = view("apt-get -o Dpkg::Options::=--force-confold -qqy install x")
    assert v.subcommand == "install"
    assert opts(v) == [("--option", "Dpkg::Options::=--force-confold"), ("--quiet", None), ("--quiet", None),
                       ("--yes", None)]
    assert [o.flag for o in v.options] == ["-o", "-q", "-q", "-y"]
    assert v.option("config").value_word.value == "Dpkg::Options::=--force-confold"
    assert pkgs(v) == [("x", None, None)]


def test_apt_attached_option_value_and_release_suffix():
    v = view("apt install -t bookworm-backports -oAPT::Keep=1 --yes pkg/bookworm-backports")
    assert opts(v) == [("--target-release", "bookworm-backports"), ("--option", "APT::Keep=1"), ("--yes", None)]
    assert pkgs(v) == [("pkg", "/", "bookworm-backports")]
    assert not v.packages[0].pinned


@pytest.mark.parametrize("text, action, meaning", [
    ("apt-get update", "update_index", None),
    ("apt-get purge -y --auto-remove gcc", "remove", "purge"),
    ("apt-get remove gcc", "remove", None),
    ("apt-get autoremove -y", "autoremove", None),
    ("apt-get clean", "cache_clean", None),
    ("apt-get dist-upgrade -y", "upgrade", None),
])
def test_apt_subcommands(text, action, meaning):
    v = view(text)
    assert v.action == action
    assert v.subcommand_meaning == meaning


def test_quoted_package_names():
    v = view("apt-get install -y 'curl' \"git=1:2.39*\" lib$ARCH")
    assert [p.name for p in v.packages] == ["curl", "git", None]
    assert v.packages[1].version == "1:2.39*"


def test_install_inside_if_is_classified():
    (test, install) = views("if [ -n \"$DEV\" ]; then apt-get install -y gdb; fi")
    assert test is None
    assert install.action == "install" and pkgs(install) == [("gdb", None, None)]


def test_apk_add_virtual_no_cache():
    v = view("apk add --no-cache --virtual .build-deps gcc musl-dev")
    assert (v.tool, v.action) == ("apk", "install")
    assert v.has("no_cache")
    assert v.option("virtual").value == ".build-deps"
    assert [p.name for p in v.packages] == ["gcc", "musl-dev"]


def test_apk_short_forms():
    v = view("apk -U add -t.deps python3=3.11.6-r0 'py3-pip>23'")
    assert v.has("update_index")
    assert v.option("virtual").value == ".deps"
    assert pkgs(v) == [("python3", "=", "3.11.6-r0"), ("py3-pip", ">", "23")]
    assert view("apk add --update curl").has("update_index")
    assert view("apk del .build-deps").action == "remove"
    assert view("apk cache clean").action == "cache_clean"


def test_pip_requirements_and_no_cache():
    v = view("pip install --no-cache-dir -r requirements.txt 'Django>=4.2' uvicorn[standard]==0.23")
    assert (v.tool, v.action) == ("pip", "install")
    assert v.has("no_cache")
    assert v.option_values("requirement") == ("requirements.txt",)
    assert pkgs(v) == [("Django", ">=", "4.2"), ("uvicorn[standard]", "==", "0.23")]


@pytest.mark.parametrize("text, program", [
    ("python3 -m pip install --user x", "python3 -m pip"),
    ("python -m pip install x", "python -m pip"),
    ("python3.11 -u -m pip install x", "python3.11 -u -m pip"),
    ("pip3 install x", "pip3"),
    ("/usr/local/bin/pip3.12 install x", "/usr/local/bin/pip3.12"),
])
def test_pip_programs(text, program):
    v = view(text)
    assert (v.tool, v.program, v.action) == ("pip", program, "install")
    assert [p.name for p in v.packages] == ["x"]


def test_python_running_something_else_is_not_pip():
    assert views("python3 -m venv /venv") == [None]
    assert views("python3 -c 'import pip'") == [None]
    assert views("python3 setup.py install") == [None]


def test_pip_location_options():
    v = view("pip install --prefix=/install --target /t -t/t2 --user .")
    assert opts(v) == [("--prefix", "/install"), ("--target", "/t"), ("--target", "/t2"), ("--user", None)]
    assert v.option("prefix").value_word is v.option("prefix").word


@pytest.mark.parametrize("text, tool, subcommand, action", [
    ("npm ci --omit=dev", "npm", "ci", "install"),
    ("npm i -g yarn@1.22", "npm", "install", "install"),
    ("npm cache clean --force", "npm", "cache clean", "cache_clean"),
    ("yarn", "yarn", "install", "install"),
    ("yarn install --frozen-lockfile --production", "yarn", "install", "install"),
    ("yarn cache clean", "yarn", "cache clean", "cache_clean"),
    ("yarn global add serve", "yarn", "global add", "install"),
    ("pnpm install --frozen-lockfile --prod", "pnpm", "install", "install"),
    ("pnpm store prune", "pnpm", "store prune", "cache_clean"),
    ("yum install -y httpd", "yum", "install", "install"),
    ("yum clean all", "yum", "clean", "cache_clean"),
    ("dnf -y --setopt=install_weak_deps=False install nginx", "dnf", "install", "install"),
    ("microdnf install -y --nodocs shadow-utils", "microdnf", "install", "install"),
    ("zypper -n in --no-recommends curl", "zypper", "install", "install"),
    ("zypper cc -a", "zypper", "clean", "cache_clean"),
    ("gem install bundler -v 2.4.0 --no-document", "gem", "install", "install"),
    ("bundle install --jobs 4 --without development", "bundle", "install", "install"),
])
def test_other_package_managers(text, tool, subcommand, action):
    v = view(text)
    assert (v.tool, v.subcommand, v.action) == (tool, subcommand, action)


def test_meanings_across_tools():
    assert view("npm ci --omit=dev").option("omit").value == "dev"
    assert view("npm i -g yarn@1.22").has("global")
    assert pkgs(view("npm i -g @scope/pkg@1.22")) == [("@scope/pkg", "@", "1.22")]
    assert view("yarn install --frozen-lockfile").has("frozen_lockfile")
    assert view("dnf -y --setopt=install_weak_deps=False install x").option("setopt").value == "install_weak_deps=False"
    assert view("microdnf install -y --nodocs x").has("no_docs")
    assert view("zypper -n in --no-recommends curl").has("no_install_recommends")
    gem = view("gem install bundler -v 2.4.0 --no-document")
    assert gem.has("no_document") and gem.option("version").value == "2.4.0"
    assert pkgs(gem) == [("bundler", None, None)]


def test_unknown_subcommand_and_unknown_option():
    v = view("npm run build --if-present")
    assert (v.subcommand, v.action) == ("run", None)
    v = view("apt-get install --no-such-flag x")
    assert [o.name for o in v.unknown_options] == ["--no-such-flag"]
    assert [p.name for p in v.packages] == ["x"]


def test_wrappers():
    v = view("sudo -E -u root env DEBIAN_FRONTEND=noninteractive apt-get install -y x")
    assert v.wrappers == ("sudo", "env")
    assert v.env_value("DEBIAN_FRONTEND") == "noninteractive"
    assert v.action == "install"
    assert view("nice -n 10 timeout 60 pip install x").wrappers == ("nice", "timeout")
    assert views("command -v apt-get") == [None]


def test_xargs_marks_arguments_unknown():
    (_, rm) = views("find /tmp -name '*.pyc' | xargs -r rm -f")
    assert rm.tool == "rm" and rm.wrappers == ("xargs",) and rm.hidden_arguments


def test_dynamic_program_or_unknown_tool():
    assert views("$PKG_MANAGER install x") == [None]
    assert views("gcc -O2 -o x x.c") == [None]
    assert views("A=1") == [None]


def test_options_with_expansions():
    v = view("pip install --prefix=$PREFIX -r \"$REQS\" x")
    assert v.option("prefix").value is None and v.option("prefix").known
    assert v.option("requirement").value is None
    assert v.option("requirement").value_word.text == '"$REQS"'


def test_double_dash_ends_options():
    v = view("rm -rf -- -weird /x")
    assert v.arg_values == ("-weird", "/x")


@pytest.mark.parametrize("text, tool, args", [
    ("cd /app", "cd", ("/app",)),
    ("export A=1 B", "export", ("A=1", "B")),
    ("exit 0", "exit", ("0",)),
    ("source /etc/os-release", "source", ("/etc/os-release",)),
    (". ./env.sh", "source", ("./env.sh",)),
    ("umask 022", "umask", ("022",)),
])
def test_builtins(text, tool, args):
    v = view(text)
    assert (v.tool, v.arg_values) == (tool, args)


def test_set_view_and_options():
    from slimfix.shell.shellopts import set_options

    v = view("set -eux -o pipefail")
    assert [o.meaning for o in v.options] == ["errexit", "nounset", "xtrace", None]
    assert v.option("-o").value == "pipefail"
    assert set_options(v.command) == {"errexit": True, "nounset": True, "xtrace": True, "pipefail": True}
    assert set_options(view("set +ex").command) == {"errexit": False, "xtrace": False}


def test_view_anchor_is_where_options_go():
    assert view("apk add curl").anchor.code == "add"
    assert view("npm cache clean").anchor.code == "clean"
    assert view("yarn").anchor.code == "yarn"
    assert view("python3 -m pip install x").anchor.code == "install"
