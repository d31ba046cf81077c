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
