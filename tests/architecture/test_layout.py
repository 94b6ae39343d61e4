"""The layout rules of docs/architecture.md, held by tests: each fails with the offending names.

- every test folder is a package (helper modules are imported as ``tests.<folder>.<module>``), except
  the folders pytest puts on sys.path (``pythonpath`` in pyproject.toml: ``tests/support``);
- no service function takes or returns ``Any``: a service's signature is its contract with the web, the
  API, the CLI and the jobs, and mypy can hold callers to it only when every type is named;
- no module is called utils.py: a module is named for what it holds;
- the import-linter contracts still state the layers and the entry points' independence, and mypy is
  still strict where the rules, the writes and the read models live.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import tomllib
import typing
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any, TypeAlias

import vatspilot.services

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SEARCHED = ("src", "tests", "bench")  # what `make lint` checks
IGNORED_DIRS = {"__pycache__", "migrations"}

# The layers, top to bottom, as issue 8 states them; the entry points, independent of one another.
LAYERS = [
    {"web", "api", "cli", "jobs"},
    {"demo"},
    {"queries"},  # read models assemble what services compute (clocks, available actions)
    {"services"},
    {"store", "analytics", "rulebook"},
    {"contracts"},
    {"domain"},
]
ENTRY_POINTS = {"vatspilot.web", "vatspilot.api", "vatspilot.cli", "vatspilot.jobs"}
STRICT = {"vatspilot.domain", "vatspilot.services", "vatspilot.queries"}

# "Any" as a name in an annotation, bare or as typing.Any; not "AnyStr" nor "CompanyAny".
ANY = re.compile(r"(?<![\w])(?:typing\.)?Any(?![\w])")


def _folders(top: Path) -> Iterator[Path]:
    for path in sorted(top.rglob("*")):
        if path.is_dir() and not IGNORED_DIRS & set(path.relative_to(top).parts):
            yield path


def test_every_test_folder_is_a_package() -> None:
    on_sys_path = {(ROOT / entry).resolve() for entry in PYPROJECT["tool"]["pytest"]["ini_options"]["pythonpath"]}
    tests = ROOT / "tests"
    missing = [
        str(folder.relative_to(ROOT))
        for folder in [tests, *_folders(tests)]
        if any(folder.glob("*.py")) and folder not in on_sys_path and not (folder / "__init__.py").exists()
    ]

    assert missing == [], f"test folders without __init__.py: {missing}"


def _service_modules() -> Iterator[ModuleType]:
    yield vatspilot.services
    for info in pkgutil.walk_packages(vatspilot.services.__path__, prefix="vatspilot.services."):
        yield importlib.import_module(info.name)


def _has_any(hint: Any) -> bool:
    """Whether a resolved type is Any or holds it anywhere (dict[str, Any] | None, Callable[..., Any])."""
    if hint is Any:
        return True
    parts = hint if isinstance(hint, list) else typing.get_args(hint)  # Callable's parameters are a list
    return any(_has_any(part) for part in parts)


def _any_in_signature(function: FunctionType) -> list[tuple[str, str]]:
    """The parameters (and "return") whose type holds Any. The annotations are resolved first, so an
    alias of Any is caught too; a module whose annotations name what it imports only for type checking
    cannot be resolved, and there the source text of each annotation is searched instead."""
    written = function.__annotations__
    try:
        resolved = typing.get_type_hints(function)
    except NameError:
        return [
            (name, text)
            for name, annotation in written.items()
            if ANY.search(text := annotation if isinstance(annotation, str) else inspect.formatannotation(annotation))
        ]
    return [(name, str(written[name])) for name, hint in resolved.items() if _has_any(hint)]


def _public_functions(module: ModuleType) -> Iterator[tuple[str, FunctionType]]:
    for name, value in vars(module).items():
        if not name.startswith("_") and inspect.isfunction(value) and value.__module__ == module.__name__:
            yield name, value


def test_no_service_function_has_any_in_its_signature() -> None:
    offenders = sorted(
        f"{module.__name__}.{name}({parameter}: {text})"
        for module in _service_modules()
        for name, function in _public_functions(module)
        for parameter, text in _any_in_signature(function)
    )

    assert offenders == [], "service signatures with Any:\n" + "\n".join(offenders)


JSONish: TypeAlias = dict[str, Any]


def _takes_an_alias(data: JSONish) -> None: ...


def _returns_a_callable() -> Callable[..., Any]: ...


def _is_typed(items: list[dict[str, int]] | None, *, at: Mapping[str, Decimal]) -> tuple[str, ...]: ...


def test_the_any_check_sees_what_it_must() -> None:
    """Any is found however it is written, behind an alias too, and nothing that only contains the word."""
    found = [text for text in ("Any", "typing.Any", "dict[str, Any]", "list[Any] | None") if ANY.search(text)]
    missed = [text for text in ("AnyStr", "CompanyAny", "Anything", "many") if ANY.search(text)]
    checked = [_any_in_signature(function) for function in (_takes_an_alias, _returns_a_callable, _is_typed)]

    assert (len(found), missed) == (4, [])
    assert checked == [[("data", "JSONish")], [("return", "Callable[..., Any]")], []]


def test_no_module_is_called_utils() -> None:
    found = sorted(
        str(path.relative_to(ROOT))
        for top in SEARCHED
        for path in (ROOT / top).rglob("utils.py")
        if not IGNORED_DIRS & set(path.parts)
    )

    assert found == []


def _contracts(kind: str) -> list[dict[str, Any]]:
    return [c for c in PYPROJECT["tool"]["importlinter"]["contracts"] if c["type"] == kind]


def _layer_names(contract: dict[str, Any]) -> list[set[str]]:
    """The contract's layers as sets of names relative to its container: "web | api" (independent
    siblings) and "services : queries" (siblings that may import each other) both give {"web", "api"}."""
    return [{name.strip() for name in re.split(r"[|:]", layer)} for layer in contract["layers"]]


def test_the_layers_contract_orders_the_whole_package() -> None:
    expected_names = set().union(*LAYERS)
    # A later layer or module may be added; the named ones keep their order and their company.
    stated = [
        [layers & expected_names for layers in _layer_names(contract) if layers & expected_names]
        for contract in _contracts("layers")
        if contract.get("containers") == ["vatspilot"]
    ]

    assert LAYERS in stated, f"no layers contract over vatspilot states {LAYERS}; found {stated}"


def test_the_entry_points_are_independent() -> None:
    independent = [set(contract["modules"]) for contract in _contracts("independence")]

    assert any(modules >= ENTRY_POINTS for modules in independent), independent


def test_mypy_is_strict_over_the_domain_services_and_queries() -> None:
    strict: set[str] = set()
    for override in PYPROJECT["tool"]["mypy"].get("overrides", []):
        if override.get("strict"):
            modules = override["module"]
            strict.update([modules] if isinstance(modules, str) else modules)

    assert {f"{package}.*" for package in STRICT} | STRICT <= strict, sorted(strict)
