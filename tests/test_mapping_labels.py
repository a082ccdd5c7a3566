"""Every label cell of every shipped mapping set is the catalog's title of its item (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aims_graph import resources
from aims_graph.catalog.items import ItemIndex
from aims_graph.mappings.labels import label_mismatches, sync_labels
from aims_graph.mappings.loading import mapping_files
from aims_graph.store import Store

SHIPPED = mapping_files(resources.mappings_dir())


@pytest.fixture(scope="module")
def items(built_store: Store) -> ItemIndex:
    return ItemIndex.from_store(built_store)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_labels_are_the_catalog_titles(path: Path, items: ItemIndex) -> None:
    wrong = label_mismatches(path, items)
    assert [str(w) for w in wrong] == [], "run scripts/sync_mapping_labels.py"


def test_sync_fixes_only_the_wrong_cell(tmp_path: Path, items: ItemIndex) -> None:
    source = resources.mappings_dir() / "iso42001-2023--iso27001-2022-clauses.sssom.tsv"
    path = tmp_path / source.name
    shutil.copy(source, path)
    text = path.read_text(encoding="utf-8")
    broken = text.replace("\tPlanning of changes\t", "\tPlanning for changes\t", 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    (wrong,) = label_mismatches(path, items)
    assert (wrong.found, wrong.expected) == ("Planning for changes", "Planning of changes")
    assert sync_labels(path, items) == 1
    assert path.read_text(encoding="utf-8") == text
    assert sync_labels(path, items) == 0
