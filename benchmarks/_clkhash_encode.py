"""Reference encoder timing: clkhash on the same CSV that benchmarks/encode.py gives padan.

Runs inside the reference virtual environment (clkhash pins old cryptography and bitarray), never
in padan's. Prints one JSON object. Usage: python _clkhash_encode.py FILE.csv NIK NAME DOB SEX
"""

import csv
import json
import resource
import sys
import time

from clkhash import bloomfilter, clk
from clkhash.schema import from_json_dict


def feature(identifier, comparison, bits):
    return {
        "identifier": identifier,
        "format": {"type": "string", "encoding": "utf-8"},
        "hashing": {"comparison": comparison, "strategy": {"bitsPerToken": bits},
                    "hash": {"type": "blakeHash"}},
    }


def comparable_schema():
    """Like padan's default: NIK digits, name bigrams, birthdate, sex in one 1024-bit CLK."""
    return from_json_dict({
        "version": 3,
        "clkConfig": {"l": 1024, "kdf": {"type": "HKDF", "hash": "SHA256",
                                         "salt": "cGFkYW4tYmVuY2htYXJr", "info": "",
                                         "keySize": 64}},
        "features": [
            feature("nik", {"type": "ngram", "n": 1, "positional": True}, 6),
            feature("name", {"type": "ngram", "n": 2}, 10),
            feature("dob", {"type": "ngram", "n": 1, "positional": True}, 12),
            feature("sex", {"type": "exact"}, 8),
        ],
    })


def clear_caches():
    for name in dir(bloomfilter):
        function = getattr(bloomfilter, name)
        if hasattr(function, "cache_clear"):
            function.cache_clear()


def main():
    path, *columns = sys.argv[1:]
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    data = [tuple((row.get(c) or "") for c in columns) for row in rows]
    schema = comparable_schema()
    timings, cpu_times = [], []
    for _ in range(3):
        clear_caches()
        started, cpu = time.perf_counter(), time.process_time()
        clks = clk.generate_clks(data, schema, "secret-for-benchmark", validate=False,
                                 max_workers=1)
        timings.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)
    assert len(clks) == len(data)
    print(json.dumps({"records": len(data), "seconds": min(timings),
                      "records_per_s": len(data) / min(timings),
                      "cpu_records_per_s": len(data) / min(cpu_times),
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
