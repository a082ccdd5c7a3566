"""Framework imports on real files (NIST's OSCAL catalog, a CISO Assistant library, our sheet)
and on broken copies of each: counts come from the files themselves, errors name the place."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import rdflib
import yaml
from rdflib.namespace import OWL, RDF, SKOS
from typer.testing import CliRunner

from aims_graph import resources
from aims_graph.cli import app as cli_app
from aims_graph.importers import FrameworkImportError, catalog_graph
from aims_graph.importers.ciso import read_ciso_library
from aims_graph.importers.oscal import read_oscal_catalog
from aims_graph.importers.sheet import read_framework_sheet
from aims_graph.namespaces import AIMS, item_iri, scheme_iri

FIXTURES = Path(__file__).parent / "fixtures"
OSCAL = FIXTURES / "oscal" / "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json.gz"
CISO = FIXTURES / "ciso-assistant" / "nist-csf-2.0.yaml.gz"
SHEET = resources.examples_dir() / "frameworks" / "acme-internal-controls.csv"


def _oscal_counts(doc: dict[str, Any]) -> Counter[str]:
    """Groups, controls, enhancements and withdrawn items, counted by walking the JSON."""
    out: Counter[str] = Counter()

    def control(c: dict[str, Any], depth: int) -> None:
        out["enhancements" if depth else "controls"] += 1
        if any(
            p.get("name") == "status" and p.get("value") == "withdrawn" for p in c.get("props", [])
        ):
            out["withdrawn"] += 1
        for sub in c.get("controls", []):
            control(sub, depth + 1)

    def group(g: dict[str, Any]) -> None:
        out["groups"] += 1
        for sub in g.get("groups", []):
            group(sub)
        for c in g.get("controls", []):
            control(c, 0)

    for g in doc["catalog"].get("groups", []):
        group(g)
    for c in doc["catalog"].get("controls", []):
        control(c, 0)
    return out


@pytest.fixture(scope="module")
def oscal_bytes() -> bytes:
    return gzip.decompress(OSCAL.read_bytes())


def test_sp800_53_catalog_imports_every_family_control_and_enhancement(oscal_bytes: bytes) -> None:
    expected = _oscal_counts(json.loads(oscal_bytes))
    draft = read_oscal_catalog(oscal_bytes, OSCAL.name, "nist-sp800-53-r5-low")
    g = catalog_graph(draft)
    families = set(g.subjects(RDF.type, AIMS.ControlCategory))
    controls = set(g.subjects(RDF.type, AIMS.Control))
    assert len(families) == expected["groups"] == 18
    assert len(controls) == expected["controls"] + expected["enhancements"]
    assert len(set(g.subjects(OWL.deprecated, None))) == expected["withdrawn"]
    # Stable IRIs from the OSCAL ids; the label prop is the notation; enhancements sit under
    # their control; inserted parameters read as their labels.
    ac2 = rdflib.URIRef(item_iri("nist-sp800-53-r5-low", "ac-2"))
    assert g.value(ac2, SKOS.notation) == rdflib.Literal("AC-2")
    assert g.value(ac2, SKOS.broader) == rdflib.URIRef(item_iri("nist-sp800-53-r5-low", "ac"))
    summary = str(g.value(rdflib.URIRef(item_iri("nist-sp800-53-r5-low", "ac-1")), AIMS.summary))
    assert "[organization-defined personnel or roles]" in summary and "{{" not in summary
    assert (rdflib.URIRef(scheme_iri("nist-sp800-53-r5-low")), RDF.type, SKOS.ConceptScheme) in g


def test_ciso_assistant_library_imports_csf_functions_categories_subcategories() -> None:
    data = gzip.decompress(CISO.read_bytes())
    nodes = yaml.safe_load(data)["objects"]["framework"]["requirement_nodes"]
    by_depth = Counter(n["depth"] for n in nodes)
    draft = read_ciso_library(data, CISO.name, "nist-csf-2.0-ciso")
    g = catalog_graph(draft)
    counts = {
        k: len(set(g.subjects(RDF.type, c)))
        for k, c in (("f", AIMS.Function), ("c", AIMS.Category), ("s", AIMS.Subcategory))
    }
    assert (
        counts
        == {"f": by_depth[1], "c": by_depth[2], "s": by_depth[3]}
        == {"f": 6, "c": 22, "s": 106}
    )
    sub = rdflib.URIRef(item_iri("nist-csf-2.0-ciso", "gv.oc-01"))
    assert g.value(sub, SKOS.notation) == rdflib.Literal("GV.OC-01")
    assert g.value(sub, SKOS.broader) == rdflib.URIRef(item_iri("nist-csf-2.0-ciso", "gv.oc"))


def test_our_sheet_layout_imports_an_internal_control_set() -> None:
    draft = read_framework_sheet(
        SHEET.read_bytes(), SHEET.name, "acme-controls", "Acme AI controls"
    )
    g = catalog_graph(draft)
    assert draft.counts() == {"control_category": 3, "control": 5, "withdrawn": 0}
    top = set(g.objects(rdflib.URIRef(scheme_iri("acme-controls")), SKOS.hasTopConcept))
    assert {str(t).rsplit("/", 1)[-1] for t in top} == {"ACME-GOV", "ACME-RISK", "ACME-OPS"}


# ---- broken files: every problem named with its place, nothing built -------------------------


def _problems(draft: Any) -> list[str]:
    with pytest.raises(FrameworkImportError) as info:
        catalog_graph(draft)
    return [f"{p.where}: {p.reason}" for p in info.value.problems]


def test_broken_oscal_files_are_refused_with_their_place(oscal_bytes: bytes) -> None:
    assert _problems(read_oscal_catalog(b'{"catalog": {', "x.json", "x-cat"))[0].startswith(
        "line 1: not JSON"
    )
    assert _problems(read_oscal_catalog(b'{"profile": {}}', "x.json", "x-cat")) == [
        "$: no 'catalog' object"
    ]
    doc = json.loads(oscal_bytes)
    del doc["catalog"]["groups"][0]["controls"][1]["id"]
    doc["catalog"]["groups"][2]["controls"][0]["title"] = ""
    found = _problems(read_oscal_catalog(json.dumps(doc).encode(), "x.json", "x-cat"))
    assert "$.catalog.groups[0].controls[1]: control without an id" in found
    assert any(
        p.startswith("$.catalog.groups[2].controls[0]: item") and "no title" in p for p in found
    )


def test_a_broken_ciso_library_is_refused_with_its_place() -> None:
    data = gzip.decompress(CISO.read_bytes()).decode()
    broken = data.replace(
        "parent_urn: urn:intuitem:risk:req_node:nist-csf-2.0:gv.oc\n",
        "parent_urn: urn:nowhere\n",
        1,
    )
    found = _problems(read_ciso_library(broken.encode(), "lib.yaml", "lib"))
    assert found == [
        "objects.framework.requirement_nodes[2]: parent_urn 'urn:nowhere' is not a node of the library"
    ]
    assert _problems(read_ciso_library(b"objects: [", "lib.yaml", "lib"))[0].startswith("line ")


def test_a_broken_sheet_is_refused_with_line_and_column(tmp_path: Path) -> None:
    text = SHEET.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(
        "ACME-GOV-2,ACME-GOV", "ACME-GOV-1,ACME-NOPE"
    )  # duplicate, bad parent
    text.append("ACME-X,,gadget,,,ftp://example.com")
    found = _problems(read_framework_sheet("\n".join(text).encode(), "s.csv", "acme", "Acme"))
    assert "line 4: id 'ACME-GOV-1' also at line 3" in found
    assert "line 4: parent 'ACME-NOPE' of 'ACME-GOV-1' is not in the file" in found
    assert any(p.startswith("line 10: kind 'gadget' is unknown") for p in found)
    assert "line 10: item 'ACME-X' has no title" in found
    assert any(p.startswith("line 10, column link:") for p in found)
    shipped = _problems(read_framework_sheet(SHEET.read_bytes(), "s.csv", "iso42001-2023", "x"))
    assert shipped == ["edition: 'iso42001-2023' is a shipped edition"]


def test_import_framework_command(tmp_path: Path) -> None:
    out = tmp_path / "acme.ttl"
    args = [
        "import",
        "framework",
        str(SHEET),
        "--id",
        "acme-controls",
        "--title",
        "Acme",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(out)
    assert len(set(g.subjects(RDF.type, SKOS.Concept))) == 8
    bad = tmp_path / "bad.csv"
    bad.write_text("notation,kind\nX,control\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["import", "framework", str(bad), "--id", "bad-one"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())  # rich wraps lines at the terminal width
    assert "line 1: missing column(s) title" in said and "nothing was written" in said
