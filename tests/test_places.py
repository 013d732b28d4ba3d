"""A place is its identity, not its name (SPEC §6, issue 16 item 9): group bounds, previews and applications work
on counties identified by code; names shared by two places are shown apart."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from baicun.cli import app
from contract.errors import InputError
from pool.places import derive_places, find_place
from pool.read import read_pool
from tests.conftest import ROOT, SAMPLE_CSV, file_text_frame
from tests.data.make_corpus import REQUIRED

CORPUS = ROOT / "tests" / "data" / "corpus"
SCENARIO = """
name = "同名县"
pool = "{pool}"

[scoring]
normalize = "none"
weights = {{ industry_base = 1.0 }}

[selection]
count = [2, 2]

[[selection.group]]
by = "county"
max = 1
"""


def invoke(*args) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture()
def shared(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO.format(pool=(CORPUS / "shared_names.csv").as_posix()), encoding="utf-8")
    return scenario


def test_two_counties_of_one_name_are_bounded_separately(shared):
    """'At most one per county' over 朝阳区 of 长春市 and 朝阳区 of 北京市 takes one from each: by bare name the
    two would share one slot and two villages could never be chosen."""
    code, output = invoke("solve", shared, "--json")
    summary = json.loads(output)
    assert code == 0 and summary["status"] == "optimal"
    assert sorted(v[:6] for v in summary["selected"]) == ["110105", "220104"]


def test_preview_takes_a_code_a_path_or_a_disambiguated_name_and_refuses_an_ambiguous_one(shared):
    code, output = invoke("preview", shared, "--county", "朝阳区")
    assert code == 2 and "朝阳区（长春市）" in output and "朝阳区（北京市）" in output
    for text in ("220104", "长春市/朝阳区", "朝阳区（长春市）", "吉林省/长春市/朝阳区"):
        code, output = invoke("preview", shared, "--county", text)
        assert code == 0 and "【朝阳区（长春市）】" in output and "220104100201" in output and "110105001201" not in output, text


def test_a_unique_name_stays_bare_and_labels_follow_identity():
    frame = pd.DataFrame(
        {
            "village_id": ["220104100201", "110105001201", "220102100201"],
            "county": ["朝阳区", "朝阳区", "南关区"],
            "city": ["长春市", "市辖区", "长春市"],
        }
    )
    places = derive_places(frame)
    # Beijing's "city" is the generic 市辖区: the province (from the code) tells the two apart instead
    assert places["county_place"].tolist() == ["朝阳区（长春市）", "朝阳区（北京市）", "南关区"]
    assert find_place(places, "county", "110105") == "朝阳区（北京市）"
    with pytest.raises(InputError):
        find_place(places, "county", "朝阳")


# --- applications (issue 21 item 7) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_text():
    return file_text_frame(read_pool(SAMPLE_CSV).frame.drop(columns=["county_place", "city_place", "township_place"]))


def application(tmp_path, rows: pd.DataFrame) -> str:
    path = tmp_path / "申报.csv"
    rows.to_csv(path, index=False, encoding="utf-8-sig")
    return str(path)


def test_an_application_cannot_carry_another_countys_village(tmp_path, sample_text):
    """A 九台区 application holding a 南关区 village relabelled 九台区 is refused at its row (by its code), and so
    is a row of another county; the preview never moves the village."""
    own = sample_text[sample_text["县(市、区)"] == "九台区"].head(2)
    foreign = sample_text[sample_text["县(市、区)"] == "南关区"].head(1)
    relabelled = foreign.assign(**{"县(市、区)": "九台区"})
    scenario = ROOT / "scenarios" / "baicun_2024.toml"
    code, output = invoke("preview", scenario, "--county", "九台区", "--application", application(tmp_path, pd.concat([own, relabelled])))
    assert code == 2 and "第 4 行" in output and foreign["村庄代码"].iat[0] in output and "220113" in output, output
    code, output = invoke("preview", scenario, "--county", "九台区", "--application", application(tmp_path, pd.concat([own, foreign])))
    assert code == 2 and "第 4 行" in output and "南关区" in output, output


def test_the_merge_refuses_a_village_the_pool_puts_in_another_county(sample_text):
    """The merge itself (one function, ``pool.merge.merge_application``) checks by the provincial pool too."""
    from pool.merge import merge_application
    from tests.factories import make_pool

    pool = read_pool(SAMPLE_CSV)
    frame = pool.frame.drop(columns=["county_place", "city_place", "township_place"])
    moved = frame[frame["county"] == "南关区"].head(1).assign(county="九台区", village_id="220113199201")
    moved_pool = make_pool(pd.concat([frame[frame["county"] == "南关区"].head(1).assign(county="九台区")]))
    with pytest.raises(InputError) as caught:
        merge_application(pool, moved_pool, "九台区")
    assert [p.code for p in caught.value.problems] == ["preview.foreign_code"]
    merged = merge_application(pool, make_pool(moved), "九台区")  # a new 九台区 village under a 九台区 code: accepted
    assert merged.size == pool.size + 1


def test_an_application_of_own_villages_changes_the_preview(tmp_path, sample_text):
    own = sample_text[sample_text["县(市、区)"] == "九台区"].copy()
    own["带头人"] = "99"
    path = application(tmp_path, own)
    code, output = invoke("preview", ROOT / "scenarios" / "baicun_2024.toml", "--county", "220113", "--application", path)
    assert code == 0 and "【九台区】" in output


def test_required_columns_are_what_the_readme_lists():
    from contract.columns import CATALOGUE

    assert [c.zh for c in CATALOGUE if c.required] == REQUIRED
