"""Translation catalogues, one per feature: `python -m slrt.core.i18n_tool update|compile|check`.

Source strings are Bahasa Indonesia (the portal's first language); each feature keeps its English
catalogue at slrt/<feature>/translations/en/LC_MESSAGES/messages.po. A catalogue per feature lets
features be built side by side without fighting over one file.

  update   extract each feature's strings (its Python package and templates/<feature>/) into its catalogue
  compile  compile every catalogue to .mo (make run / make test do this)
  check    list msgids used anywhere that no catalogue translates (exit 1 if any)
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
SLRT = ROOT / "slrt"
TEMPLATES = ROOT / "templates"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
# Templates that belong to no feature go with core.
SHARED_TEMPLATE_DIRS = ("", "_macros", "errors", "core")


def features() -> list[str]:
    return sorted(p.name for p in SLRT.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _extract(directory: Path, method: str, recursive: bool = True):
    if not directory.exists():
        return
    pattern = "**.py" if method == "python" else "**.html"
    if not recursive:
        pattern = "*.html"
    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"} if method == "jinja2" else {}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(directory), method_map=[(pattern, method)], options_map={pattern: options},
            keywords=KEYWORDS):
        if method == "python" and "translations" in filename:
            continue
        yield str(directory / filename), lineno, message, context


def messages_of(feature: str):
    yield from _extract(SLRT / feature, "python")
    if feature == "core":
        for sub in SHARED_TEMPLATE_DIRS:
            yield from _extract(TEMPLATES / sub, "jinja2", recursive=bool(sub))
    else:
        yield from _extract(TEMPLATES / feature, "jinja2")


def catalogue_path(feature: str) -> Path:
    return SLRT / feature / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def update() -> None:
    for feature in features():
        template = Catalog(locale=None, project="slrt", fuzzy=False)
        for filename, lineno, message, context in messages_of(feature):
            template.add(message, None, [(str(Path(filename).relative_to(ROOT)), lineno)], context=context)
        if not len(template):
            continue
        path = catalogue_path(feature)
        if path.exists():
            with open(path, "rb") as handle:
                catalogue = read_po(handle, locale="en")
            catalogue.update(template, no_fuzzy_matching=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalogue = Catalog(locale="en", project="slrt", fuzzy=False)
            catalogue.update(template, no_fuzzy_matching=True)
        with open(path, "wb") as handle:
            write_po(handle, catalogue, width=120, omit_header=False, ignore_obsolete=True, sort_output=False)
        missing = sum(1 for m in catalogue if m.id and not m.string)
        print(f"{feature}: {len(catalogue)} messages, {missing} untranslated")


def compile_all() -> None:
    for path in sorted(SLRT.glob("*/translations/*/LC_MESSAGES/messages.po")):
        with open(path, "rb") as handle:
            catalogue = read_po(handle)
        with open(path.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalogue)


def untranslated() -> list[tuple[str, str]]:
    known: dict = {}
    for path in SLRT.glob("*/translations/en/LC_MESSAGES/messages.po"):
        with open(path, "rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and not message.fuzzy:
                    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
                    if all(strings):
                        known[message.id if not isinstance(message.id, (list, tuple)) else message.id[0]] = True
    missing = []
    for feature in features():
        for filename, lineno, message, context in messages_of(feature):
            key = message if isinstance(message, str) else message[0]
            if key not in known:
                missing.append((f"{Path(filename).relative_to(ROOT)}:{lineno}", key))
    return missing


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        missing = untranslated()
        for where, message in missing:
            print(f"{where}: {message}")
        return 1 if missing else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
