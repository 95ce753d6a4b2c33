from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from padan.encoder.encoding_file import open_encoding_file
from padan.linker.engine import LinkParameters, Party, check_compatible, link
from padan.linker.errors import LinkerError, ParameterError
from padan.linker.synthetic import filters_of, people, synthetic_pair, write_party


def true_pseudo_pairs(made, left, right) -> set[tuple[int, int]]:
    return set(zip(left.records["pseudo_id"][made.true_left].tolist(),
                   right.records["pseudo_id"][made.true_right].tolist(), strict=True))


def found_pairs(result, band: str | None = None) -> set[tuple[int, int]]:
    table = result.groups
    found = set()
    for group in range(table.groups):
        rows = np.flatnonzero(table.group_id == group)
        if band and table.band_names()[rows[0]] != band:
            continue
        found.add((int(table.pseudo_id[rows[0]]), int(table.pseudo_id[rows[1]])))
    return found


@pytest.fixture(scope="module")
def linked(pair):
    made, left, right = pair
    # with LSH: these CLK-like test filters carry few keys, and the automatic threshold needs the
    # non-matches that only LSH brings in (the default blocking leaves LSH out)
    params = LinkParameters(blocking=("identity", "keys", "lsh"))
    return made, left, right, link([Party("DTKS", left), Party("KJP", right)], params)


def test_true_matches_are_found(linked):
    made, left, right, result = linked
    truth = true_pseudo_pairs(made, left, right)
    matches = found_pairs(result, "match")
    assert len(truth & found_pairs(result)) / len(truth) > 0.99
    assert len(matches & truth) / len(matches) > 0.97   # the match band is precise


def test_every_record_is_in_at_most_one_group(linked):
    *_, result = linked
    table = result.groups
    for party in (0, 1):
        ids = table.pseudo_id[table.party == party]
        assert len(ids) == len(set(ids.tolist()))
    assert np.all(np.bincount(table.group_id) == 2)


def test_for_party_shows_only_own_pseudo_ids_and_no_scores(linked):
    _, _, right, result = linked
    own = set(right.records["pseudo_id"].tolist())
    rows = result.for_party("KJP")
    assert rows and all(r.pseudo_id in own and r.other_party == "DTKS" for r in rows)
    assert {r.band for r in rows} <= {"match", "possible"}
    assert not any(hasattr(r, "score") for r in rows)
    with pytest.raises(LinkerError, match="'BPJS' is not part"):
        result.for_party("BPJS")


def test_report_counts_agree_with_groups(linked):
    _, left, right, result = linked
    report = result.report
    pair_counts = report.pairwise[0]
    assert pair_counts["match"] + pair_counts["possible"] == result.groups.groups
    combos = {tuple(c["parties"]): c["count"] for c in report.combinations}
    assert combos[("DTKS", "KJP")] == result.groups.groups
    assert combos[("DTKS",)] == len(left) - result.groups.groups
    sens = [s["pairwise"][0]["count"] for s in report.sensitivity]
    assert sens == sorted(sens, reverse=True)   # a higher threshold never finds more
    assert report.histogram_valley is not None and 0.6 < report.histogram_valley < 0.85
    below, above = report.histogram_valley_counts
    assert below + above == len(left) + len(right)
    assert report.comparisons > 0 and report.candidate_pairs >= result.groups.groups
    json.dumps(report.to_dict())


def test_blocking_none_finds_the_same_matches_on_a_small_job(pair):
    # with the same scores: the match model is fitted on each run's candidates, so comparing
    # every pair gives it other non-matches to learn from (and other weights)
    made, left, right = pair
    full = link([Party("A", left), Party("B", right)],
                LinkParameters(blocking=("none",), scoring="dice"))
    blocked = link([Party("A", left), Party("B", right)], LinkParameters(scoring="dice"))
    truth = true_pseudo_pairs(made, left, right)
    assert found_pairs(full) & truth == found_pairs(blocked) & truth
    assert full.report.comparisons > 10 * blocked.report.comparisons


def test_duplicates_within_one_list_are_grouped(tmp_path: Path):
    group = people(300, seed=3)
    filters = filters_of(group, 1024, seed=3)
    twice = np.concatenate([np.arange(300), np.arange(20)])   # 20 people listed twice
    doubled = type(group)(group.tokens[twice], group.identity[twice], group.placeholder[twice])
    row_of = write_party(tmp_path / "one.padan", doubled, filters[twice], seed=4)
    single = open_encoding_file(tmp_path / "one.padan")
    result = link([Party("DTKS", single)])
    assert result.groups.groups == 0
    dup = result.duplicates
    group_of = dict(zip(dup.pseudo_id.tolist(), dup.group_id.tolist(), strict=True))
    ids = single.records["pseudo_id"]
    for person in range(20):   # each planted duplicate pair shares a group
        a, b = int(ids[row_of[person]]), int(ids[row_of[300 + person]])
        assert group_of[a] == group_of[b]
    counts = result.report.duplicates["DTKS"]
    assert counts["match"] + counts["possible"] == counts["groups"] >= 20
    assert counts["records"] >= 40
    assert counts["groups"] == dup.groups
    off = link([Party("DTKS", single), Party("X", single.__class__(
        single.path, single.header, single.records))], LinkParameters(dedup=False))
    assert off.duplicates.groups == 0


def test_three_parties_form_groups_across_all(tmp_path: Path):
    group = people(400, seed=9)
    parties = []
    for k, name in enumerate(("DTKS", "KJP", "BPJS")):
        filters = filters_of(group, 1024, seed=9, flips=60 if k else 0,
                             rng=np.random.default_rng(k))
        write_party(tmp_path / f"{name}.padan", group, filters, seed=100 + k)
        parties.append(Party(name, open_encoding_file(tmp_path / f"{name}.padan")))
    result = link(parties)
    sizes = np.bincount(result.groups.group_id)
    assert np.sum(sizes == 3) > 390
    combos = {tuple(c["parties"]): c["count"] for c in result.report.combinations}
    assert combos[("DTKS", "KJP", "BPJS")] == np.sum(sizes == 3)
    rows = result.for_party("BPJS")
    assert {r.other_party for r in rows} == {"DTKS", "KJP"}


def make_party(tmp_path, name, **header):
    group = people(20, seed=1)
    write_party(tmp_path / f"{name}.padan", group, filters_of(group, 128, seed=1), seed=2,
                **header)
    return Party(name, open_encoding_file(tmp_path / f"{name}.padan"))


@pytest.mark.parametrize(("setting", "value", "words"), [
    ("fingerprint", "9" * 64, "different schema"),
    ("key_check", "d" * 16, "different secret"),
    ("project_id", "other", "different project"),
])
def test_incompatible_encodings_are_refused_naming_both_parties(tmp_path, setting, value, words):
    dtks = make_party(tmp_path, "DTKS")
    kjp = make_party(tmp_path, "KJP", **{setting: value})
    with pytest.raises(LinkerError, match=words) as caught:
        check_compatible([dtks, kjp])
    message = str(caught.value)
    assert "'KJP'" in message and "'DTKS'" in message and "re-encode" in message
    with pytest.raises(LinkerError):
        link([dtks, kjp])


def test_filter_length_mismatch_and_names_are_checked(tmp_path):
    dtks = make_party(tmp_path, "DTKS")
    group = people(20, seed=1)
    write_party(tmp_path / "long.padan", group, filters_of(group, 256, seed=1), seed=2)
    long = Party("KJP", open_encoding_file(tmp_path / "long.padan"))
    with pytest.raises(LinkerError, match="different filter length"):
        check_compatible([dtks, long])
    with pytest.raises(LinkerError, match="unique; repeated: DTKS"):
        check_compatible([dtks, dtks])
    with pytest.raises(LinkerError, match="at least one party"):
        check_compatible([])


def test_messages_never_echo_record_values(tmp_path):
    dtks = make_party(tmp_path, "DTKS")
    kjp = make_party(tmp_path, "KJP", key_check="e" * 16)
    with pytest.raises(LinkerError) as caught:
        check_compatible([dtks, kjp])
    for pseudo in dtks.encodings.records["pseudo_id"][:5].tolist():
        assert str(pseudo) not in str(caught.value)


def test_parameters_round_trip_and_validate():
    params = LinkParameters(match_threshold=0.85, blocking=("identity", "lsh"), lsh_bands=4)
    again = LinkParameters.from_dict(json.loads(json.dumps(params.to_dict())))
    assert again == params
    with pytest.raises(ParameterError, match="possible_threshold"):
        LinkParameters(match_threshold=0.7, possible_threshold=0.8)
    with pytest.raises(ParameterError, match="blocking"):
        LinkParameters(blocking=("soundex",))
    with pytest.raises(ParameterError, match="blocking"):
        LinkParameters(blocking=("none", "lsh"))
    with pytest.raises(ParameterError, match="match_threshold"):
        LinkParameters(match_threshold=0)
    with pytest.raises(ParameterError, match="max_block_size"):
        LinkParameters(max_block_size=1)
    with pytest.raises(ParameterError, match="unknown setting"):
        LinkParameters.from_dict({"treshold": 0.8})


def test_progress_reports_every_unit(pair):
    _, left, right = pair
    seen = []
    link([Party("A", left), Party("B", right)], LinkParameters(lsh_bands=2),
         progress=lambda done, total: seen.append((done, total)))
    total = seen[-1][1]
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == list(range(total + 1))


def test_low_threshold_keeps_memory_bounded(tmp_path):
    made = synthetic_pair(tmp_path, 400, 400, 100, seed=5)
    left, right = open_encoding_file(made.left), open_encoding_file(made.right)
    result = link([Party("A", left), Party("B", right)],
                  LinkParameters(match_threshold=0.2, possible_threshold=0.1))
    assert result.groups.groups <= 400
    assert result.report.candidate_pairs <= result.report.comparisons


def test_the_nik_veto_refuses_namesakes_of_one_birthdate_and_keeps_typos():
    """Default schema, real encoder: the same name and birthdate with NIKs of other districts is
    refused, a one-digit NIK typo is not, and a missing NIK cannot veto."""
    import numpy as np

    from padan.encoder.default_schema import default_schema
    from padan.evaluation.labelled import encode_labelled
    from padan.linker.engine import link
    from padan.linker.parameters import LinkParameters

    schema, secret = default_schema("veto"), bytes(range(32))
    def party(name, niks):
        count = len(niks)
        columns = {"nik": niks, "nama": ["Yati Haryati"] * count,
                   "tanggal_lahir": ["01-02-1987"] * count, "jenis_kelamin": ["P"] * count}
        return encode_labelled(name, columns, np.arange(count), schema, secret).party()

    left = party("A", ["3207064102870001"])
    for niks, linked in ((["3275184102870001"], False),     # another district
                         (["3207064102870002"], True),      # a typo in the serial
                         (["BELUM ADA"], True)):            # no NIK: nothing to veto
        result = link([left, party("B", niks)], LinkParameters(dedup=False))
        assert (result.groups.groups == 1) == linked, niks
        off = link([left, party("B", niks)], LinkParameters(dedup=False, veto_threshold=0.0))
        assert off.groups.groups == 1


def test_the_duplicate_veto_is_stricter_than_the_cross_list_one():
    """Within one list, two namesakes of one birthdate whose NIKs are two digits apart are not a
    duplicate (a wrong duplicate would drag its twin's group along); one digit apart is."""
    import numpy as np

    from padan.encoder.default_schema import default_schema
    from padan.evaluation.labelled import encode_labelled
    from padan.linker.engine import link
    from padan.linker.parameters import LinkParameters

    schema, secret = default_schema("veto"), bytes(range(32))

    def duplicates(niks, **settings):
        columns = {"nik": niks, "nama": ["Nurhayati"] * 2, "tanggal_lahir": ["25-02-1996"] * 2,
                   "jenis_kelamin": ["P"] * 2}
        party = encode_labelled("A", columns, np.arange(2), schema, secret).party()
        return link([party], LinkParameters(**settings)).duplicates.groups

    two_apart = ["3101036502960001", "3371036502960001"]
    assert duplicates(two_apart) == 0
    assert duplicates(two_apart, duplicate_veto_threshold=0.75) == 1   # control: the veto did it
    assert duplicates(["3101036502960001", "3101036502960002"]) == 1    # a typo in the serial
