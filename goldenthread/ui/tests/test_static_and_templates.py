"""Vendored assets match their pins, load nothing from elsewhere, and every app's templates
compile and keep the content security policy (script-src 'self'; style-src 'self')."""

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[1]
REPO = UI.parents[1]
VENDOR = UI / "static" / "ui" / "vendor"
SCRIPT = REPO / "scripts" / "vendor_design_system.sh"


def template_files() -> list[tuple[Path, Path]]:
    """(templates folder, file) for every template of every app in the code base."""
    found = [
        (folder, path)
        for folder in sorted((REPO / "goldenthread").glob("*/templates"))
        for path in sorted(folder.rglob("*.html"))
    ]
    assert {folder.parent.name for folder, _ in found} >= {
        "accounts",
        "conversations",
        "core",
        "directory",
        "outcomes",
        "people",
        "reviews",
        "risk",
        "sds",
        "support",
        "ui",
        "history",
    }
    return found


def pin(name):
    match = re.search(rf'^{name}="\$\{{{name}:-([^}}]+)\}}"', SCRIPT.read_text(), re.MULTILINE)
    assert match, f"{name} pin not found in {SCRIPT}"
    return match.group(1)


def test_vendored_versions_match_script_pins():
    assert (VENDOR / "sgds" / "VERSION").read_text().strip() == pin("SGDS_VERSION")
    assert (VENDOR / "htmx" / "VERSION").read_text().strip() == pin("HTMX_VERSION")


def test_vendored_files_present_with_licences_and_small():
    for path in [
        "sgds/design-system.min.css",
        "sgds/design-system.js",
        "sgds/icons.stack.svg",
        "sgds/LICENSE.txt",
        "htmx/htmx.min.js",
        "htmx/LICENSE.txt",
        "README.md",
    ]:
        assert (VENDOR / path).is_file(), path
    assert not list(VENDOR.rglob("*.map"))
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    assert total < 1_500_000


def test_every_css_url_is_data_or_vendored_file():
    for css in VENDOR.rglob("*.css"):
        text = css.read_text()
        assert "sourceMappingURL" not in text
        assert "@import" not in text
        for ref in re.findall(r"url\(\s*([^)]*?)\s*\)", text):
            ref = ref.strip("'\"")
            if ref.startswith("data:"):
                continue
            assert not re.match(r"^(https?:)?//", ref), f"{css.name} loads {ref} from another host"
            target = (css.parent / ref.split("#")[0].split("?")[0]).resolve()
            assert target.is_file() and VENDOR in target.parents, f"{css.name}: {ref} missing"


def test_app_css_loads_nothing_from_elsewhere():
    text = (UI / "static" / "ui" / "css" / "app.css").read_text()
    assert "url(" not in text and "@import" not in text


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"<style[\s>]", re.IGNORECASE), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def test_no_inline_script_or_style_in_any_template():
    problems = [
        f"{path.relative_to(REPO)}: {what}"
        for _, path in template_files()
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert not problems, problems


def test_every_template_compiles_and_is_the_one_its_name_finds():
    """Every app's templates compile with the project's template engine (its tag libraries
    and built-ins), and each name leads to that file: no app's template is hidden by
    another app's template of the same name."""
    from django.template import engines

    engine = engines["django"]
    for folder, path in template_files():
        name = path.relative_to(folder).as_posix()
        template = engine.get_template(name)
        assert Path(template.origin.name) == path, f"{name} is hidden by {template.origin.name}"
