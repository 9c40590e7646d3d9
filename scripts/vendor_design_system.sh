#!/usr/bin/env bash
# Vendor the Scottish Government Design System (SGDS) and htmx into
# goldenthread/ui/static/ui/vendor/, so that no asset is ever loaded from
# another host (the content security policy is 'self' only).
#
# Run with `make vendor`. Pins can be overridden from the environment, e.g.
#   SGDS_VERSION=4.2.0 HTMX_VERSION=2.0.11 scripts/vendor_design_system.sh
#
# Only what the pages use is copied: the minified CSS, the compiled JS bundle,
# the icon sprite used by component markup, and the licences. No source maps,
# no unminified CSS, no docs.
set -euo pipefail

SGDS_PACKAGE="@scottish-government/design-system"
SGDS_VERSION="${SGDS_VERSION:-4.2.0}"
HTMX_PACKAGE="htmx.org"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/goldenthread/ui/static/ui/vendor"
SGDS_DEST="$VENDOR/sgds"
HTMX_DEST="$VENDOR/htmx"

command -v npm >/dev/null || { echo "npm is needed to vendor the design system" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# npm pack downloads the published tarball without running any package scripts.
fetch() {
    local spec="$1" dir="$2" tarball
    mkdir -p "$dir"
    tarball="$(cd "$WORK" && npm pack --silent "$spec" | tail -n 1)"
    tar -xzf "$WORK/$tarball" -C "$dir"
}

echo "Vendoring $SGDS_PACKAGE@$SGDS_VERSION"
fetch "$SGDS_PACKAGE@$SGDS_VERSION" "$WORK/sgds"
SRC="$WORK/sgds/package"
rm -rf "$SGDS_DEST"
mkdir -p "$SGDS_DEST"
# Strip the sourceMappingURL comment: the map is not vendored, and Django's
# ManifestStaticFilesStorage would fail looking for it.
sed -e 's#/\*[#] sourceMappingURL=[^*]*\*/##' \
    "$SRC/dist/css/design-system.min.css" > "$SGDS_DEST/design-system.min.css"
# The bundle is an ES module that sets window.DS; load it with type="module".
sed -e '/^\/\/[#] sourceMappingURL=/d' \
    "$SRC/dist/scripts/design-system.js" > "$SGDS_DEST/design-system.js"
# The icon sprite is referenced from component markup (<use href="...#close">).
cp "$SRC/dist/images/icons/icons.stack.svg" "$SGDS_DEST/icons.stack.svg"
cp "$SRC/LICENSE.txt" "$SGDS_DEST/LICENSE.txt"
echo "$SGDS_VERSION" > "$SGDS_DEST/VERSION"

# The CSS must not load anything from elsewhere: every url(...) is either a
# data: URI or a file that is vendored next to it.
missing=0
while IFS= read -r ref; do
    ref="${ref#url(}"; ref="${ref%)}"; ref="${ref//[\"\']/}"
    case "$ref" in
        data:*) ;;
        *) ref="${ref%%[?#]*}"
           if [[ ! -f "$SGDS_DEST/$ref" ]]; then
               echo "CSS references $ref, which is not vendored" >&2
               missing=1
           fi ;;
    esac
done < <(grep -oE 'url\([^)]*\)' "$SGDS_DEST/design-system.min.css" || true)
[[ "$missing" -eq 0 ]] || exit 1

echo "Vendoring $HTMX_PACKAGE@$HTMX_VERSION"
fetch "$HTMX_PACKAGE@$HTMX_VERSION" "$WORK/htmx"
rm -rf "$HTMX_DEST"
mkdir -p "$HTMX_DEST"
cp "$WORK/htmx/package/dist/htmx.min.js" "$HTMX_DEST/htmx.min.js"
cp "$WORK/htmx/package/LICENSE" "$HTMX_DEST/LICENSE.txt"
echo "$HTMX_VERSION" > "$HTMX_DEST/VERSION"

du -sh "$VENDOR"
