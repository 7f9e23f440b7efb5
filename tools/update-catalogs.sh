#!/bin/sh
# The theme's interface strings: extract them from templates/ into templates/locales/sitegen.pot
# (Babel's Jinja extractor, settings in babel.cfg), then merge that template into every
# catalog, templates/locales/<lang>/LC_MESSAGES/sitegen.po (new strings arrive untranslated;
# `sitegen check` lists them). A new language: `pybabel init -D sitegen -d templates/locales
# -i templates/locales/sitegen.pot -l <lang>`. Catalogs are read as .po at build time: no .mo
# is made or shipped.
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
"$PYBABEL" extract -F babel.cfg -k script_text -k plural_forms:1,2 --sort-by-file \
    --project sitegen --copyright-holder "sitegen contributors" \
    -o templates/locales/sitegen.pot templates sitegen/render sitegen/i18n \
    sitegen/outputs/citations.py
for catalog in templates/locales/*/LC_MESSAGES/sitegen.po; do
    [ -f "$catalog" ] || continue
    lang="$(basename "$(dirname "$(dirname "$catalog")")")"
    "$PYBABEL" update -D sitegen -d templates/locales -i templates/locales/sitegen.pot \
        -l "$lang" --no-fuzzy-matching --ignore-obsolete
done
