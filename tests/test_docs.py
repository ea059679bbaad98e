"""The user documentation points only at files a reader of the repository or an install has."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The docs for users (docs/corpus/ records how the corpus was written, in the team's shared folder).
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
DOCS_PATH = re.compile(r"(?<![\w/.-])(docs/[\w./-]+\.md)")
SHARED = re.compile(r"(?<![\w-])shared/[\w./-]+")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_links_and_named_docs_exist(doc):
    text = doc.read_text(encoding="utf-8")
    missing = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:|#", target):
            continue  # a web address or a heading of this page
        if not (doc.parent / target.split("#")[0]).exists():
            missing.append(target)
    missing += [p for p in DOCS_PATH.findall(text) if not (ROOT / p).exists()]
    # The team's shared folder is not part of the project: a reader has no such file.
    missing += SHARED.findall(text)
    assert not missing, f"{doc.name} points at files that are not in the repository: {missing}"
