"""Rows/s and peak memory of the list readers: CSV (pyarrow), XLSX (python-calamine vs openpyxl).

    python benchmarks/readers.py [--csv-rows 1000000,4000000] [--xlsx-rows 200000]
                                 [--data DIR] [--repeats N]

Generates once, into --data (default /tmp/padan-bench-readers; reused when present):
- list-N.csv: a DTKS-style list of N rows (NIK as text, some with leading zeros; name, birth
  date dd-mm-yyyy, sex, address, village), written with Python's csv module;
- list-N.xlsx: the same columns in one sheet, written with openpyxl's write-only mode (a
  quarter of the NIKs in number cells, the birth dates as date cells, a title row and a blank
  row above the header, as office lists have), about 10 s per 100,000 rows.

Each reading runs in a fresh process (so its peak RSS is its own), as `padan encode` reads:
open_list (the header, checked), then every batch of 65,536 records (5 mapped columns), keeping
nothing. "calamine-alone" is python-calamine by itself (the sheet parsed and its rows handed to
Python, nothing else): its share of the calamine row. The XLSX readers alternate in the same
run (calamine-alone, calamine, openpyxl, calamine-alone, ...) and the best time of --repeats is
kept; the table gives the ratio to openpyxl of the rates per CPU second of the process, which
the load of a shared machine disturbs less than the wall time, and a last line padan's share
of calamine-alone's rate (what padan's Python adds to the parse; steadier still). Peak RSS is
the process's maximum resident set (ru_maxrss), beside the RSS after the imports and the peak of the
anonymous RSS, sampled after each batch: without the pages of the memory-mapped CSV, which
count in RSS but are the kernel's to drop. Nothing is asserted: speed is measured here, never
in tests.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

MAPPING = {"nik": "NIK", "nama": "NAMA", "tanggal_lahir": "TGL_LAHIR", "jenis_kelamin": "JK",
           "alamat": "ALAMAT"}
HEADER = ["NO", "NIK", "NAMA", "TGL_LAHIR", "JK", "ALAMAT", "DESA"]
_FIRST = ["Siti", "Sri", "Budi", "Agus", "Dewi", "Eko", "Nur", "Ahmad", "Rina", "Made", "Putu",
          "Muhammad", "Yohana", "Joko", "Slamet", "Wayan"]
_LAST = ["Wahyuni", "Santoso", "Hidayat", "Lestari", "Nurhayati", "Sutrisno", "Siregar",
         "Sudarma", "Kogoya", "Cahyono", "Nasution", ""]
_VILLAGES = ["Menteng", "Cikini", "Gondangdia", "Kebon Sirih", "Pegangsaan", "Sentani Kota"]


def _people(count: int, seed: int = 11):
    rng = random.Random(seed)
    for number in range(1, count + 1):
        born = datetime.date(1940, 1, 1) + datetime.timedelta(rng.randint(0, 30_000))
        female = rng.random() < 0.5
        nik = (f"{rng.choice((11, 31, 32, 33, 35, 73, 94))}{rng.randint(1, 69):02d}"
               f"{rng.randint(1, 40):02d}{born.day + 40 * female:02d}{born.month:02d}"
               f"{born.year % 100:02d}{rng.randint(1, 9999):04d}")
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}".strip()
        yield (number, nik, name, born, "P" if female else "L",
               f"Jl. {rng.choice(_LAST) or 'Mawar'} No. {rng.randint(1, 200)} RT "
               f"{rng.randint(1, 20):02d}/RW {rng.randint(1, 12):02d}", rng.choice(_VILLAGES))


def write_csv(path: Path, count: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number, nik, name, born, sex, address, village in _people(count):
            writer.writerow([number, nik, name, born.strftime("%d-%m-%Y"), sex, address,
                             village])


def write_xlsx(path: Path, count: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Penerima")
    sheet.append(["DAFTAR PENERIMA BANTUAN SOSIAL (data sintetis)"])
    sheet.append([])
    sheet.append(HEADER)
    for number, nik, name, born, sex, address, village in _people(count):
        cell = int(nik) if number % 4 == 0 else nik  # a quarter typed into number cells
        sheet.append([number, cell, name, datetime.datetime(born.year, born.month, born.day),
                      sex, address, village])
    partial = path.with_suffix(".partial.xlsx")
    workbook.save(partial)
    partial.rename(path)


def _rss_mib(kind: str = "VmRSS") -> float:
    """Resident memory now: VmRSS all of it, RssAnon without the pages of mapped files (the
    memory-mapped CSV, which the kernel takes back at will)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(kind + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(path: Path, reader: str) -> dict:
    """In this process: read as padan encode does, keep nothing."""
    from padan.encoder.readers import open_list

    if reader == "calamine-alone":
        return _calamine_alone(path)
    options = {"xlsx_reader": reader} if path.suffix == ".xlsx" else {}
    base = _rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    records = batches = 0
    anonymous = _rss_mib("RssAnon")
    with open_list(path, **options) as source:
        assert set(MAPPING.values()) <= set(source.columns)
        for batch in source.batches(MAPPING):
            records += batch.size
            batches += 1
            anonymous = max(anonymous, _rss_mib("RssAnon"))  # sampled once a batch
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"records": records, "batches": batches, "seconds": seconds, "cpu_seconds": cpu,
            "rss_after_imports_mib": base, "peak_rss_mib": peak,
            "peak_anonymous_rss_mib": anonymous}


def _calamine_alone(path: Path) -> dict:
    """python-calamine's own share: parse the sheet and hand over its rows, no padan."""
    from python_calamine import CalamineWorkbook

    base = _rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    with CalamineWorkbook.from_path(str(path)) as workbook:
        sheet = workbook.get_sheet_by_index(0)
        anonymous = _rss_mib("RssAnon")  # the whole sheet parsed
        records = sum(1 for _ in sheet.iter_rows()) - 3  # the title, the blank row, the header
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"records": records, "batches": 0, "seconds": seconds, "cpu_seconds": cpu,
            "rss_after_imports_mib": base, "peak_rss_mib": peak,
            "peak_anonymous_rss_mib": anonymous}


def _child(path: Path, reader: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--measure", str(path), reader],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-rows", default="1000000")
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/padan-bench-readers"))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), args.measure[1])))
        return
    args.data.mkdir(parents=True, exist_ok=True)
    runs: list[tuple[str, Path, str]] = []
    for count in (int(c) for c in args.csv_rows.split(",") if c):
        path = args.data / f"list-{count}.csv"
        if not path.exists():
            started = time.perf_counter()
            write_csv(path, count)
            print(f"wrote {path} in {time.perf_counter() - started:.0f} s", flush=True)
        runs.append((f"CSV, {count:,} rows (pyarrow)", path, "auto"))
    xlsx = args.data / f"list-{args.xlsx_rows}.xlsx"
    if args.xlsx_rows:
        if not xlsx.exists():
            started = time.perf_counter()
            write_xlsx(xlsx, args.xlsx_rows)
            print(f"wrote {xlsx} in {time.perf_counter() - started:.0f} s", flush=True)
        for reader in ("calamine-alone", "calamine", "openpyxl"):
            runs.append((f"XLSX, {args.xlsx_rows:,} rows ({reader})", xlsx, reader))
    best: dict[str, dict] = {}
    print(f"load average at the start {os.getloadavg()[0]:.2f}", flush=True)
    for _ in range(args.repeats):
        for label, path, reader in runs:  # interleaved: the readers share the machine's load
            result = _child(path, reader)
            if label not in best or result["seconds"] < best[label]["seconds"]:
                best[label] = result
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; "
          f"best of {args.repeats}")
    print("| reader | records | wall s | CPU s | rows/s (wall) | rows/s (CPU) | vs openpyxl "
          "(CPU) | RSS after imports MiB | peak RSS MiB | peak anonymous RSS MiB |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    reference = best.get(f"XLSX, {args.xlsx_rows:,} rows (openpyxl)")
    for label, result in best.items():
        rate = result["records"] / result["seconds"]
        cpu_rate = result["records"] / result["cpu_seconds"]
        ratio = (f"{cpu_rate / (reference['records'] / reference['cpu_seconds']):.1f}×"
                 if reference and "XLSX" in label else "")
        print(f"| {label} | {result['records']:,} | {result['seconds']:.2f} | "
              f"{result['cpu_seconds']:.2f} | {rate:,.0f} | {cpu_rate:,.0f} | "
              f"{ratio} | {result['rss_after_imports_mib']:.0f} | "
              f"{result['peak_rss_mib']:.0f} | {result['peak_anonymous_rss_mib']:.0f} |")
    alone = best.get(f"XLSX, {args.xlsx_rows:,} rows (calamine-alone)")
    padan = best.get(f"XLSX, {args.xlsx_rows:,} rows (calamine)")
    if alone and padan:  # the CPU rates move with the load; this share of them much less
        print(f"padan with python-calamine: {alone['cpu_seconds'] / padan['cpu_seconds']:.2f} "
              "of python-calamine alone's rows per CPU second")


if __name__ == "__main__":
    main()
