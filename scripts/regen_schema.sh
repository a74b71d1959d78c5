#!/usr/bin/env bash
# Regenerate micro_codegen/ms_model/schema/ from the pinned MindSpore Lite schema.
#
#   scripts/regen_schema.sh [FORMAT_DIR]     (default: ../shared/format)
#
# Needs flatc (Debian: flatbuffers-compiler). The generated Python is not edited
# by hand; the only post-processing is a mechanical rewrite of the flatc package
# path `mindspore.schema` to `micro_codegen.ms_model.schema`, so the generated
# modules live inside our package and cannot clash with an installed MindSpore,
# and the rename of one local variable that flatc 2.0.8 names `assert`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fmt=${1:-$here/../shared/format}
out=$here/micro_codegen/ms_model/schema
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v flatc >/dev/null || { echo "flatc not found: apt-get install flatbuffers-compiler" >&2; exit 1; }
flatc --python --gen-object-api -o "$tmp" "$fmt/model.fbs" "$fmt/ops.fbs" "$fmt/ops_types.fbs" 2>/dev/null
rm -rf "$out"
mkdir -p "$out"
for f in "$tmp"/mindspore/schema/*.py; do
  sed -e 's/\bmindspore\.schema\b/micro_codegen.ms_model.schema/g' "$f" > "$out/$(basename "$f")"
done
# flatc 2.0.8 names a local variable after the table: in Assert.py that is the
# Python keyword `assert`; rename the variable so the module compiles.
sed -i -e 's/\bassert\b/assert_/g' "$out/Assert.py"

{
  echo '"""flatc-generated MindSpore Lite schema (do not edit; see scripts/regen_schema.sh)."""'
  echo "# flatc: $(flatc --version)"
  for f in model.fbs ops.fbs ops_types.fbs; do
    echo "# $f sha256 $(sha256sum "$fmt/$f" | cut -d' ' -f1)"
  done
} > "$out/__init__.py"
python3 "$here/scripts/fbs_fields.py" "$fmt" > "$out/fields.py"
echo "regenerated $(ls "$out" | wc -l) files in $out"
