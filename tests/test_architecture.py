"""The shape of the house, checked on the import graph (grimp): no import cycles between the modules of
`slrt`, and `slrt.core` is the ground floor that no feature stands under."""
from __future__ import annotations

import grimp
import pytest


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("slrt", cache_dir=None, exclude_type_checking_imports=True)


def import_cycles(graph) -> list[list[str]]:
    """Every cycle's modules (the strongly connected components of more than one module, or a module that
    imports itself), each named with one path around it so the message says where to cut."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(start: str) -> None:  # Tarjan, iteratively (no recursion limit on a big graph)
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges[target])))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in edges[node]:
                        components.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    cycles = []
    for component in components:
        first = component[0]
        back = next(m for m in component if first in edges[m])
        path = graph.find_shortest_chain(importer=first, imported=back) or (first, back)
        cycles.append(list(path) + [first])
    return cycles


def test_no_import_cycles_between_modules(graph):
    cycles = import_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_the_cycle_finder_names_a_cycle():
    """The check above can fail: on a graph with a cycle it names the modules around it."""
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.d", imported="pkg.a")
    assert import_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


# The ground floor may stand only on these: the extensions, the configuration, and the audit trail that
# every feature (and core's audited downloads) writes to.
GROUND_FLOOR = {"slrt", "slrt.core", "slrt.extensions", "slrt.config", "slrt.audit"}


def _feature_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_core_imports_no_feature(graph):
    """slrt.core is the ground floor: it imports no feature (auth, cases, admin, regions, ...); the parts
    that compose the app (each role's home, the menu, the demo seed) live in slrt.shell."""
    upward = sorted(
        f"{detail['importer']}:{detail['line_number']} imports {detail['imported']}"
        for core_module in graph.find_descendants("slrt.core") | {"slrt.core"}
        for imported in graph.find_modules_directly_imported_by(core_module)
        if _feature_of(imported) not in GROUND_FLOOR
        for detail in graph.get_import_details(importer=core_module, imported=imported))
    assert not upward, "\n".join(upward)


def test_the_audit_trail_stands_on_the_ground_floor_only(graph):
    """slrt.audit is allowed under core (see GROUND_FLOOR), so it must itself import no feature."""
    upward = sorted(f"{module} imports {imported}"
                    for module in graph.find_descendants("slrt.audit") | {"slrt.audit"}
                    for imported in graph.find_modules_directly_imported_by(module)
                    if _feature_of(imported) not in GROUND_FLOOR)
    assert not upward, "\n".join(upward)


_IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
import slrt
from slrt.core.labels import LABELS
modules = [m.name for m in pkgutil.walk_packages(slrt.__path__, "slrt.") if ".translations" not in m.name
           and not m.name.endswith("i18n_tool")]
for name in modules:
    importlib.import_module(name)
from sqlalchemy import event
from sqlalchemy.engine import Engine
from slrt.core import db, hooks
from slrt.shell import nav
installed = {"labels": sorted(LABELS._by_enum), "menu": [i.endpoint for i in nav._ITEMS],
             "engine hooks": event.contains(Engine, "begin", db._begin_sqlite),
             "signal receivers": bool(hooks.case_registered.receivers)}
print(installed)
assert not any(installed.values()), installed
from slrt import create_app
from slrt.config import TestConfig
app = create_app(TestConfig())
assert LABELS.label("CaseStatus", "registered") != "registered" and nav._ITEMS
assert event.contains(Engine, "begin", db._begin_sqlite) and hooks.case_registered.receivers
assert {"ReferralStatus", "Role", "CaseStatus", "OutboxStatus"} <= set(app.jinja_env.globals)
print(len(modules), "modules imported")
"""


def test_importing_a_module_installs_nothing_until_init_app():
    """Importing any module of slrt (in a fresh interpreter) registers no label, menu entry, engine hook or
    signal receiver: each feature wires itself in its init_app, called from create_app."""
    import subprocess
    import sys
    from pathlib import Path
    result = subprocess.run([sys.executable, "-c", _IMPORT_EVERYTHING], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# Names that frameworks call, not our code: WTForms' inline validators and Meta hooks, Flask-Login's user protocol,
# urllib's redirect hook (the gateway sender refuses redirects), the `limits` storage interface.
_CALLED_BY_FRAMEWORKS = {"Meta", "get_translations", "get_id", "is_active", "redirect_request", "base_exceptions",
                         "register_retention_task",  # slrt.privacy's hook for features' own retention (attachments, webhooks)
                         "permanent", "open_session", "should_set_cookie"}  # Flask's session interface
_FRAMEWORK_DECORATORS = ["@*.route", "@*.command", "@*.group", "@*.before_app_request", "@*.before_request",
                         "@*.after_request", "@*.errorhandler", "@*.user_loader", "@*.context_processor",
                         "@*.url_defaults", "@compiles", "@*.listens_for",
                         "@contributor"]  # slrt.privacy: sections of the subject-access report register themselves


def test_no_dead_code():
    """No function, class, property or import of slrt that nothing uses (vulture; a name that a template
    or a migration uses counts as used)."""
    import re
    from pathlib import Path

    import vulture
    root = Path(__file__).resolve().parents[1]
    templates = "\n".join(p.read_text(encoding="utf-8") for p in (root / "templates").rglob("*.html"))
    finder = vulture.Vulture(ignore_decorators=_FRAMEWORK_DECORATORS)
    finder.scavenge([str(root / "slrt"), str(root / "tests"), str(root / "bench"), str(root / "migrations"),
                     str(root / "app.py")])
    dead = sorted(
        f"{Path(item.filename).relative_to(root)}:{item.first_lineno} {item.typ} {item.name}"
        for item in finder.get_unused_code(min_confidence=60)
        if item.typ in ("function", "method", "class", "property", "import")
        and Path(item.filename).is_relative_to(root / "slrt") and "translations" not in str(item.filename)
        and item.name not in _CALLED_BY_FRAMEWORKS and not item.name.startswith("validate_")
        and not re.search(rf"\b{re.escape(item.name)}\b", templates))
    assert not dead, "\n".join(dead)
