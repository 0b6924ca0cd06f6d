"""Case files on real stores: sourced statements, same facts in both languages, reproducible."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
import yaml

from eslabon.errors import EslabonError
from eslabon.report.case_file import build_case, write_case, write_network_cases
from eslabon.report.i18n import catalogue
from eslabon.report.render_html import render_html
from eslabon.report.render_pdf import render_pdf
from eslabon.report.statements import Statement
from eslabon.store import open_store
from tests.conftest import run_cli


def _targets(path: Path) -> list[str]:
    with open_store(path, read_only=True) as st:
        return [r[0] for r in st.query("SELECT entity_id FROM disruption_ranking ORDER BY rank")]


def test_every_statement_cites_a_stored_row_with_its_hash(analysed_store):
    path, _ = analysed_store
    targets = _targets(path)
    assert len(targets) >= 3
    with open_store(path, read_only=True) as st:
        for target in targets:
            case = build_case(st, target)
            statements = case.statements()
            assert statements and case.timeline and case.role and case.ranking
            for s in statements:
                assert s.sources, s
                for p in s.sources:
                    row = st.query_one(
                        "SELECT s.sha256, s.path, r.line FROM source_rows r JOIN sources s "
                        "USING (source_id) WHERE r.source_id = ? AND r.row_num = ?",
                        [p.source_id, p.row_num],
                    )
                    assert row == (p.sha256, p.path, p.line)
                    # and the hash is the file's real content hash
                    assert hashlib.sha256(Path(p.path).read_bytes()).hexdigest() == p.sha256
            html = render_html(case, "en")
            for p in case.evidence:
                eid = case.evidence_ids[p.key]
                assert re.search(rf'<tr id="{eid}"><td>{eid}</td>.*?{p.sha256}', html)


def test_a_statement_without_a_source_cannot_exist_or_render(analysed_store):
    with pytest.raises(EslabonError, match="without a source row"):
        Statement("role", {"role": "x", "score": "1"}, ())
    path, _ = analysed_store
    with open_store(path, read_only=True) as st:
        case = build_case(st, _targets(path)[0])
    forged = case.role[0]
    object.__setattr__(forged, "sources", ())  # bypass the constructor: the renderer still refuses
    with pytest.raises(EslabonError, match="without a source row"):
        render_html(case, "es")


def test_english_and_spanish_carry_the_same_facts(analysed_store):
    path, _ = analysed_store
    with open_store(path, read_only=True) as st:
        case = build_case(st, _targets(path)[0])
    en, es = render_html(case, "en"), render_html(case, "es")
    assert en != es and 'lang="es"' in es
    refs = re.compile(r'<a href="#(E\d+)">')
    assert refs.findall(en) == refs.findall(es)  # same citations, in the same places
    rows = re.compile(r'<tr id="E\d+">.*?</tr>')
    assert rows.findall(en) == rows.findall(es)  # same evidence rows, as recorded
    assert not re.findall(r"\[en\][^<]*", es)  # every generated sentence is in Spanish too
    for st in case.statements():
        assert catalogue("en").sentence(st) != catalogue("es").sentence(st) or st.key in (
            "rank_reason",
        )
    assert "Rol inferido" in es and "Inferred role" in en


def test_catalogues_have_the_same_keys():
    def keys(d: dict, prefix: str = "") -> set[str]:
        out = set()
        for k, v in d.items():
            out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
        return out

    folder = Path(__file__).parents[2] / "src/eslabon/report/i18n"
    en = yaml.safe_load((folder / "en.yaml").read_text(encoding="utf-8"))
    es = yaml.safe_load((folder / "es.yaml").read_text(encoding="utf-8"))
    assert keys(en) == keys(es)


def test_case_files_are_reproducible(analysed_store):
    path, _ = analysed_store
    target = _targets(path)[1]
    outs = []
    for _ in range(2):
        with open_store(path, read_only=True) as st:
            case = build_case(st, target)
        outs.append((render_html(case, "es"), render_pdf(case, "en")))
    assert outs[0][0] == outs[1][0]
    assert outs[0][1] == outs[1][1]


def test_pdf_is_produced_and_its_text_extracts(analysed_store, tmp_path):
    path, _ = analysed_store
    target = _targets(path)[0]
    with open_store(path, read_only=True) as st:
        [pdf] = write_case(st, target, langs=("es",), fmt="pdf", out=tmp_path / "c.pdf")
        case = build_case(st, target)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert case.caption in text and target in text
    assert "Rol inferido" in text and "Evidencias" in text
    assert case.evidence[0].sha256[:32] in text.replace("\n", "")


def test_before_the_network_stage_the_role_section_says_so(plain_store):
    path, _ = plain_store
    with open_store(path, read_only=True) as st:
        person = st.query_one(
            "SELECT entity_id FROM entities WHERE kind = 'Person' ORDER BY mention_count DESC"
        )[0]
        case = build_case(st, person)
    assert not case.analysed and not case.role and case.timeline
    html = render_html(case, "en")
    assert "Not yet analysed — run `eslabon network`." in html
    assert "<svg" in html and "<script" not in html and "http://" not in html.split("<svg")[0]


def test_merges_show_probability_and_deciding_comparisons(resolved_store):
    with open_store(resolved_store) as st:
        entity = st.query_one(
            "SELECT entity_id FROM entities WHERE kind = 'Person' AND mention_count > 1 "
            "ORDER BY entity_id"
        )[0]
        case = build_case(st, entity)
    merges = [m for m in case.merges if m.statement.key == "merge_model"]
    assert merges and all(m.probability and m.probability >= 0.5 for m in merges)
    assert any(s.weight > 0 for s in merges[0].steps)
    es = render_html(case, "es")
    assert "probabilidad de coincidencia" in es
    assert not re.findall(r"\[en\][^<]*", es)


def test_merge_waterfalls_come_from_stored_explanations_read_only(resolved_store):
    """Explanations persisted at resolve time: a read-only store gives the same waterfalls."""
    with open_store(resolved_store) as st:
        entity = st.query_one(
            "SELECT entity_id FROM entities WHERE kind = 'Person' AND mention_count > 1 "
            "ORDER BY entity_id"
        )[0]
        writable = build_case(st, entity)
    with open_store(resolved_store, read_only=True) as st:
        read_only = build_case(st, entity)
    assert read_only.comparisons_available
    steps = [m.steps for m in read_only.merges if m.statement.key == "merge_model"]
    assert steps and all(steps)
    assert steps == [m.steps for m in writable.merges if m.statement.key == "merge_model"]


def test_network_mode_writes_targets_and_an_index(analysed_store, tmp_path):
    path, _ = analysed_store
    with open_store(path, read_only=True) as st:
        network = st.query_one("SELECT network_id FROM networks")[0]
        written = write_network_cases(st, network, tmp_path, top=3)
    index = (tmp_path / network / "index.html").read_text(encoding="utf-8")
    files = [p for p in written if not p.name.startswith("index")]
    assert len(files) == 6
    for f in files:
        assert f.name in index or f.name in (tmp_path / network / "index.es.html").read_text()


def test_cli_case_and_its_errors(analysed_store, tmp_path):
    path, _ = analysed_store
    target = _targets(path)[0]
    ok = run_cli("case", target, "--store", str(path), "--lang", "es", "--out", str(tmp_path))
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / f"case-{target}.es.html").exists()
    bad = run_cli("case", "NOBODY-HERE", "--store", str(path))
    assert bad.returncode == 2 and "no entity" in bad.stderr and "Traceback" not in bad.stderr
    both = run_cli("case", "--store", str(path))
    assert both.returncode == 2 and "either ENTITY or --network" in both.stderr


def test_evidence_numbering_is_by_source_and_row(analysed_store):
    path, _ = analysed_store
    with open_store(path, read_only=True) as st:
        case = build_case(st, _targets(path)[0])
    keys = [p.key for p in case.evidence]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert replace(case.evidence[0]).key == keys[0]


def test_every_comparison_of_the_person_model_has_a_name_in_both_languages():
    from eslabon.resolve.person_model import comparisons

    folder = Path(__file__).parents[2] / "src/eslabon/report/i18n"
    for lang in ("en", "es"):
        terms = yaml.safe_load((folder / f"{lang}.yaml").read_text(encoding="utf-8"))["terms"]
        names = {c["output_column_name"] for c in comparisons()}
        assert names <= set(terms["comparison"]), (lang, names - set(terms["comparison"]))


def test_the_ranking_and_role_sentences_added_later_read_in_spanish() -> None:
    es = catalogue("es")
    for text, part in [
        (
            "alone, stops the route (stash keeper): cut 3 of 3, in order of how hard the network "
            "finds it to fill the places again",
            "por sí solo detiene la ruta (encargado de casa de seguridad)",
        ),
        (
            "with 1 other, stops the route (recruiter): cut 2 of 3, in order of how hard the "
            "network finds it to fill the places again",
            "junto con 1 persona(s) más detiene la ruta (enganchador)",
        ),
        ("behaves like the people moved, in a drugs network", "se comporta como"),
    ]:
        out = es.generated(text)
        assert out.startswith(part) and "[en]" not in out, out
