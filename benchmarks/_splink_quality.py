"""Reference run for benchmarks/quality.py: Splink 5 (DuckDB) links two CSVs in plain text, the
way Splink's documentation sets up person data (its FEBRL4 example and tutorials): comparisons
with Jaro-Winkler, Damerau-Levenshtein and date levels, term-frequency adjustments on names,
a handful of blocking rules, lambda from deterministic rules, u from random sampling, m by EM
on two blocking rules. Runs inside the Splink venv (benchmarks/_reference.py), never in padan's.

Writes left row, right row, match_weight and match_probability of every predicted pair above
a low floor to an .npz file, with the timings.

Usage: python _splink_quality.py {synthetic|febrl4} LEFT.csv RIGHT.csv OUT.npz
  synthetic: columns nik, name, dob (YYYY-MM-DD), sex, as padan's normalisers left them
  febrl4:    FEBRL's own columns (given_name, surname, date_of_birth YYYYMMDD, soc_sec_id, ...)
"""

import csv
import logging
import sys
import time

import numpy as np
import pyarrow.compute as pc
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

FLOOR = 0.001     # predict keeps pairs with match_probability above this
U_PAIRS = 1e7     # the tutorials' "often adequate" size for u sampling
SEED = 2026


def read(path: str, derive) -> dict[str, list]:
    """Columns of a CSV with a row number; empty cells become NULL (Splink's null level)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [{k: (v.strip() or None) for k, v in r.items()} for r in csv.DictReader(handle)]
    for number, row in enumerate(rows):
        row["record"] = number
        derive(row)
    return {column: [r[column] for r in rows] for column in rows[0]} if rows else {}


def name_parts(row: dict) -> None:
    # a single "name" column, so the usual derived columns for blocking: first and last token
    tokens = (row["name"] or "").split()
    row["first_name"] = tokens[0] if tokens else None
    row["last_name"] = tokens[-1] if len(tokens) > 1 else None


def synthetic_model() -> dict:
    return {
        "derive": name_parts,
        "settings": SettingsCreator(
            link_type="link_only",
            unique_id_column_name="record",
            comparisons=[
                cl.NameComparison("name").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("dob", input_is_string=True,
                                         datetime_format="%Y-%m-%d"),
                cl.ExactMatch("sex"),
                # exact only: a NIK embeds the birth date and neighbouring regions' codes differ
                # in a digit, so different people born the same day have NIKs within edit
                # distance 1-2. Fuzzy NIK levels (tried: Damerau-Levenshtein 1, 2) then
                # double-count the date (Splink assumes independent columns) and gave 478 false
                # pairs at p >= 0.5 on the 20k moderate lists, against 30 with exact only.
                cl.ExactMatch("nik"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("nik"),
                block_on("dob"),
                block_on("first_name", "substr(dob, 1, 4)"),
                block_on("last_name", "substr(dob, 1, 4)"),
                block_on("first_name", "last_name"),
            ],
        ),
        "deterministic": [block_on("nik"), block_on("name", "dob")],
        "em": [block_on("dob"), block_on("name")],
    }


def febrl4_model() -> dict:
    # Splink's FEBRL4 example ("detailed model"), as its documentation gives it
    return {
        "derive": lambda row: None,
        "settings": SettingsCreator(
            link_type="link_only",
            unique_id_column_name="record",
            comparisons=[
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                         datetime_format="%Y%m%d"),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                    term_frequency_adjustments=True),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("given_name", "surname"),
                "l.given_name = r.surname and l.surname = r.given_name",
                block_on("date_of_birth"),
                block_on("soc_sec_id"),
                block_on("state", "address_1"),
                block_on("street_number", "address_1"),
                block_on("postcode"),
            ],
        ),
        "deterministic": [block_on("soc_sec_id"),
                          block_on("given_name", "surname", "date_of_birth")],
        "em": [block_on("date_of_birth"), block_on("postcode")],
    }


def main() -> None:
    kind, left_path, right_path, out = sys.argv[1:]
    model = {"synthetic": synthetic_model, "febrl4": febrl4_model}[kind]()
    started = time.perf_counter()
    db_api = DuckDBAPI()
    tables = [db_api.register(read(path, model["derive"]), dataset_display_name=name)
              for path, name in ((left_path, "list_a"), (right_path, "list_b"))]
    linker = Linker(tables, model["settings"], log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(model["deterministic"],
                                                                  recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
    for rule in model["em"]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    trained = time.perf_counter()
    pairs = linker.inference.predict(threshold_match_probability=FLOOR).as_pyarrow_table()
    # link_only puts either table on the left of a pair: orient every pair left -> right
    flipped = pc.equal(pairs["source_dataset_l"], "list_b").to_numpy(zero_copy_only=False)
    id_l = pairs["record_l"].to_numpy().astype(np.int64)
    id_r = pairs["record_r"].to_numpy().astype(np.int64)
    np.savez(out, left=np.where(flipped, id_r, id_l), right=np.where(flipped, id_l, id_r),
             weight=pairs["match_weight"].to_numpy(), probability=pairs["match_probability"]
             .to_numpy(), train_s=trained - started, predict_s=time.perf_counter() - trained)


if __name__ == "__main__":
    main()
