#!/usr/bin/env bash
# Renders proj3_writeup.md to HTML and takes headless Chromium screenshots of it, to check that
# every chart shows with readable labels as a browser shows the markdown.
#
#   bash scripts/report-preview.sh [path/to/proj3_writeup.md] [out-dir]
#
# Writes <out-dir>/proj3_writeup.html and one PNG per chart (shot-NN.png): a 1200x1300 page
# holding the chart and the text and table just before it. Needs Debian's chromium and nbconvert (its markdown
# renderer) from .jupyter/venv (bash scripts/setup-jupyter.sh). Default out-dir: a new temp folder (printed).
set -euo pipefail
md=$(realpath "${1:-proj3_writeup.md}")
out=$(realpath -m "${2:-$(mktemp -d)}")
mkdir -p "$out"
html="$out/proj3_writeup.html"

"$(dirname "$0")/../.jupyter/venv/bin/python" - "$md" "$out" <<'PY'
import re, sys, pathlib
from nbconvert.filters.markdown import markdown2html_mistune
md_path, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
css = """body{font-family:'DejaVu Sans',sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#1f2328;line-height:1.5}
table{border-collapse:collapse;margin:12px 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:4px 10px}
th{background:#f6f8fa}pre,code{background:#f6f8fa;font-size:12px}pre{padding:10px;overflow-x:auto}
img{max-width:100%}blockquote{border-left:4px solid #d0d7de;margin:0;padding:0 14px;color:#59636e}"""
base = md_path.parent.as_uri() + "/"
page = lambda body: f'<!doctype html><html><head><meta charset="utf-8"><base href="{base}"><style>{css}</style></head><body>{body}</body></html>'
text = md_path.read_text()
(out / "proj3_writeup.html").write_text(page(markdown2html_mistune(text)))
# One page per chart: the markdown from just after the previous chart up to this one, so each
# screenshot shows a chart with the text and table that introduce it.
images = list(re.finditer(r"!\[[^\]]*\]\([^)]+\.(svg|png)\)", text))
previous = 0
for n, m in enumerate(images, 1):
    chunk = text[previous:m.end()]
    # keep the last ~40 lines before the chart (its heading, cell and table)
    lines = chunk.splitlines()[-40:]
    starts = [i for i, l in enumerate(lines) if l.startswith(("#", "```typescript"))]
    chunk = "\n".join(lines[starts[0]:] if starts else lines)
    (out / f"shot-{n:02d}.html").write_text(page(markdown2html_mistune(chunk)))
    previous = m.end()
print(len(images))
PY
shots=$(ls "$out"/shot-*.html | wc -l)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for page in "$out"/shot-*.html; do
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --disable-background-networking --disable-component-update --disable-sync --no-first-run \
    --user-data-dir="$profile" --window-size=1200,1300 \
    --screenshot="${page%.html}.png" "file://$page" >/dev/null 2>&1
done
echo "report-preview: $html and $shots screenshots in $out" >&2
