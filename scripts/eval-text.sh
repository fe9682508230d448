#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Extracts the evaluation texts for perplexity (docs/quality.md) from Debian packages that
# scripts/install-deps.sh installs: the Debian FAQ in English (debian-faq) and in Korean
# (debian-faq-ko). Both are the same document, under its verbatim-copying license
# (/usr/share/doc/debian-faq/copyright); we only read the installed files, nothing is committed.
#   scripts/eval-text.sh [OUT_DIR]     default OUT_DIR: data/eval (git-ignored)
# Writes OUT_DIR/debian-faq.en.txt and OUT_DIR/debian-faq.ko.txt (UTF-8 plain text).
# Exit 77 (the CTest "skipped" code) when a package is not installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/data/eval}"
faq=/usr/share/doc/debian/FAQ
en="$faq/debian-faq.en.txt.gz"
ko="$faq/ko/index.ko.html"
if [ ! -f "$en" ] || [ ! -f "$ko" ]; then
    echo "eval-text.sh: install debian-faq and debian-faq-ko first (scripts/install-deps.sh)" >&2
    exit 77
fi
mkdir -p "$out"

# English: the package's own plain-text rendering, as is.
zcat "$en" > "$out/debian-faq.en.txt.tmp"
mv "$out/debian-faq.en.txt.tmp" "$out/debian-faq.en.txt"

# Korean: the HTML chapters in the order index.ko.html links them, tags stripped, navigation
# (header/footer tables) dropped, blank lines squeezed.
python3 - "$faq/ko" "$out/debian-faq.ko.txt" <<'PY'
import html.parser, os, re, sys

src, dst = sys.argv[1], sys.argv[2]

class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.files = []
    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        name = href.split("#")[0]
        if tag == "a" and name.endswith(".ko.html") and name != "index.ko.html" and name not in self.files:
            self.files.append(name)

class Text(html.parser.HTMLParser):
    SKIP = {"script", "style", "head"}
    BLOCK = {"p", "div", "br", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "pre", "tr", "table", "title"}
    def __init__(self):
        super().__init__()
        self.parts, self.skip, self.nav = [], 0, 0
    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in self.SKIP:
            self.skip += 1
        if tag == "div" and cls in ("navheader", "navfooter"):
            self.nav += 1
        elif tag == "div" and self.nav:
            self.nav += 1
        if tag in self.BLOCK:
            self.parts.append("\n")
    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag == "div" and self.nav:
            self.nav -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")
    def handle_data(self, data):
        if not self.skip and not self.nav:
            self.parts.append(data)

def read(name):
    with open(os.path.join(src, name), encoding="utf-8") as f:
        return f.read()

links = Links()
links.feed(read("index.ko.html"))
chunks = []
for name in links.files:
    t = Text()
    t.feed(read(name))
    text = "".join(t.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    chunks.append(text)
with open(dst + ".tmp", "w", encoding="utf-8") as f:
    f.write("\n\n".join(chunks) + "\n")
os.replace(dst + ".tmp", dst)
PY
echo "eval-text.sh: wrote $out/debian-faq.en.txt ($(wc -c < "$out/debian-faq.en.txt") bytes) and $out/debian-faq.ko.txt ($(wc -c < "$out/debian-faq.ko.txt") bytes)" >&2
