"""The layers stay layers (docs/architecture.md): services never reach into the request, rules know neither
Flask nor the database, models hold tables and nothing else, each blueprint is made in its package, only
portal/clock.py reads the system clock, and no two modules import each other."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def imports_of(path: Path) -> set[str]:
    """Every module and `module.name` a file imports, wherever in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules(folder: str) -> list[Path]:
    return sorted((PORTAL / folder).glob("*.py"))


# A request or a command owns its transaction and commits once; a service adds to it. Two keep their own: the audit
# sealer (it chains what others committed, under a lock of its own) and the outbox worker (a claim must hold before
# a provider is called, and a message counts as sent only once the provider took it).
# Services that run outside a request and commit as they go: the sealer, the outbox worker's claims, retention (each
# household's removal with its event, one by one) and the schedule (a claim must be seen by the other workers before
# the job runs; a job's own work is its own transaction).
OWN_TRANSACTIONS = {"audit.py": {"_sealer_lock", "_seal_locked"}, "notifications.py": {"claim", "deliver"},
                    "retention.py": {"run"}, "schedule.py": {"claim", "_ensure_rows", "_finish", "_reminders"}}


def committers(path: Path) -> set[str]:
    """The functions of a module that call `.commit()` on anything."""
    found = set()
    for function in ast.walk(ast.parse(path.read_text())):
        if isinstance(function, ast.FunctionDef) and any(
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
                for node in ast.walk(function)):
            found.add(function.name)
    return found


@pytest.mark.parametrize("path", modules("services"), ids=lambda path: path.name)
def test_services_leave_the_commit_to_the_request_or_command(path):
    assert committers(path) <= OWN_TRANSACTIONS.get(path.name, set()), f"{path.name} commits in {committers(path)}"


@pytest.mark.parametrize("path", modules("services"), ids=lambda path: path.name)
def test_services_never_read_the_request(path):
    """Services take a database session and plain values: callable from views, the CLI and tests alike."""
    forbidden = {"flask.request", "flask.session", "flask.g", "flask_login", "flask_login.current_user",
                 "portal.web", "portal.backoffice", "portal.family"}
    used = {name for name in imports_of(path) if name in forbidden or name.startswith(("portal.web.", "flask_wtf"))}
    assert not used, f"{path.name} imports {sorted(used)}"


# Run apart from the app factory (portal/__init__.py builds the Flask app): the folder's own imports, and theirs.
LOADED = """
import sys, types
package = types.ModuleType("portal")
package.__path__ = [{folder!r}]
sys.modules["portal"] = package
for module in {modules!r}:
    __import__(module)
print("\\n".join(sorted(sys.modules)))
"""
WEB_PACKAGES = ("portal.auth", "portal.family", "portal.backoffice")


def loaded_by(folder: str) -> set[str]:
    """The modules really loaded by importing every module of a folder, indirect imports included (one process
    per folder: a fresh interpreter costs seconds)."""
    names = [f"portal.{folder}.{path.stem}" for path in modules(folder)]
    assert names, f"portal/{folder} holds no modules"
    return loaded_by_importing(names)


def loaded_by_importing(names: list[str]) -> set[str]:
    script = LOADED.format(folder=str(PORTAL), modules=names)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(run.stdout.split())


def among(loaded: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(name for name in loaded if name.startswith(prefixes))


# Accounts are given what is the web's (the secret key, the cookie): a command or a service uses them without Flask.
@pytest.mark.parametrize("folder, forbidden", [("services", WEB_PACKAGES), ("rules", (*WEB_PACKAGES, "flask")),
                                               ("accounts", (*WEB_PACKAGES, "portal.web", "flask", "werkzeug"))])
def test_the_modules_really_loaded_stay_below_the_web(folder, forbidden):
    """Not only direct imports: importing a service never loads a blueprint, through any chain of imports."""
    loaded = loaded_by(folder)
    assert not among(loaded, forbidden), f"importing portal/{folder} loads {among(loaded, forbidden)}"


def test_the_access_policy_loads_no_web_framework():
    """Who may see and do what is plain Python: a command, a job or a test asks `portal.policy` without a request;
    the web guards (portal/web/guards.py) apply it to one."""
    loaded = loaded_by_importing(["portal.policy"])
    web = sorted(name for name in loaded if name.split(".")[0] in {"flask", "flask_login", "werkzeug"})
    assert not web, f"importing portal.policy loads {web}"


# The zone is all rules take of the clock: they are given `now` and `today` as arguments.
CLOCK_ZONE = {"portal.clock", "portal.clock.AMSTERDAM"}
CLOCK_CALL = re.compile(r"\bclock\.(now|local_now|today)\(|\bimport (now|local_now|today)\b")


@pytest.mark.parametrize("path", modules("rules"), ids=lambda path: path.name)
def test_rules_are_plain_python(path):
    used = {name for name in imports_of(path)
            if name.split(".")[0] in {"flask", "flask_babel", "flask_login", "sqlmodel", "sqlalchemy"}
            or (name.startswith("portal.") and not name.startswith("portal.rules") and name not in CLOCK_ZONE)}
    assert not used, f"{path.name} imports {sorted(used)}"
    assert not CLOCK_CALL.search(path.read_text()), f"{path.name} reads the clock: take the time as an argument"


@pytest.mark.parametrize("path", modules("models"), ids=lambda path: path.name)
def test_models_hold_tables_only(path):
    used = {name for name in imports_of(path)
            if name.startswith("portal.") and not name.startswith(("portal.models", "portal.rules", "portal.clock"))
            or name.split(".")[0] in {"flask", "flask_babel", "flask_login"}}
    assert not used, f"{path.name} imports {sorted(used)}"


@pytest.mark.parametrize("package", ["auth", "backoffice", "family"])
def test_each_blueprint_is_made_in_its_package(package):
    made_in = [path.relative_to(PORTAL).as_posix() for path in (PORTAL / package).glob("*.py")
               if "Blueprint(" in path.read_text()]
    assert made_in == [f"{package}/__init__.py"]


def test_the_top_of_portal_holds_only_the_wiring_and_access():
    top = {path.name for path in PORTAL.glob("*.py")}
    assert top == {"__init__.py", "clock.py", "cli.py", "config.py", "console.py", "db.py", "extensions.py",
                   "policy.py"}


# The system clock, read directly: the server's date is not a Dutch family's today.
SYSTEM_CLOCK = re.compile(r"\b(date\.today|datetime\.(now|utcnow|today)|utcnow)\(")


@pytest.mark.parametrize("path", sorted(set(PORTAL.rglob("*.py")) - {PORTAL / "clock.py"}),
                         ids=lambda path: path.relative_to(PORTAL).as_posix())
def test_only_the_clock_reads_the_system_clock(path):
    """`portal.clock` gives now (UTC, as stored) and today (Amsterdam's); tests can set it in one place."""
    found = [line.strip() for line in path.read_text().splitlines() if SYSTEM_CLOCK.search(line)]
    assert not found, f"{path.relative_to(PORTAL)} reads the system clock: use portal.clock ({found})"


def inline_queries(function: ast.FunctionDef) -> int:
    return sum(1 for node in ast.walk(function) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr in ("exec", "get") and isinstance(node.func.value, ast.Name)
               and node.func.value.id == "db")


def views() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for package in ("auth", "backoffice", "family", "partner"):
        for path in sorted((PORTAL / package).glob("*.py")):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef) and any(
                        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                        and d.func.attr in ("route", "get", "post") for d in node.decorator_list):
                    found.append((f"{package}/{path.name}:{node.name}", node))
    return found


@pytest.mark.parametrize("name, view", views(), ids=[name for name, _view in views()])
def test_views_are_thin(name, view):
    """A view reads input, asks access and a service, and renders: at most one query of its own."""
    assert inline_queries(view) <= 1, f"{name} runs {inline_queries(view)} queries itself: ask a service"



def module_name(path: Path) -> str:
    parts = ("portal", *path.relative_to(PORTAL).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def portal_imports(path: Path, known: set[str]) -> set[str]:
    """The modules of portal/ a file imports, at the top or inside a function: `from a import b` means the module
    a.b when there is one, else a."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                      for alias in node.names}
    return found & known


# Two-way imports known today; any other fails. A blueprint's package makes `blueprint` and imports its page
# modules so that their routes register, and each page module takes `blueprint` from the package.
BLUEPRINT_PAGES = {
    "portal.auth": ["oidc", "views"],
    "portal.backoffice": ["appointments", "cases", "children", "circle", "family_admin", "interpreting", "outbox",
                          "partners", "plan", "renderings", "signals", "staff", "team", "timeline", "views"],
    "portal.family": ["child", "circle", "closed", "history", "views"],
    "portal.partner": ["machine", "views"],
}
KNOWN_TWO_WAY = {
    frozenset((package, f"{package}.{page}")) for package, pages in BLUEPRINT_PAGES.items() for page in pages}


def test_no_two_modules_import_each_other():
    """A pair importing each other is one module in two files, or held apart by an import hidden in a function."""
    paths = {module_name(path): path for path in PORTAL.rglob("*.py")}
    graph = {name: portal_imports(path, set(paths)) - {name} for name, path in paths.items()}
    two_way = {frozenset((a, b)) for a, targets in graph.items() for b in targets if a in graph.get(b, ())}
    assert two_way <= KNOWN_TWO_WAY, f"modules importing each other: {sorted(map(sorted, two_way - KNOWN_TWO_WAY))}"
    assert not KNOWN_TWO_WAY - two_way, "a known pair no longer imports each other: strike it from the list"
