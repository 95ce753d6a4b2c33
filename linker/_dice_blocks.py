"""The Dice kernel's inner block, written as LLVM vector IR: intersections of 2 x 4 rows at once.

`block(a, b, v0, v1, rows, cols)` returns the 8 counts |a[r] & b[c]| (r in rows, c in cols:
a UniTuple of 2 and one of 4 row numbers) over the vectors [v0, v1) of the rows. A vector is 4
uint64 words (256 bits); rows are laid out by `prepare_rows`, which pads them to whole vectors.

Two layouts, chosen once for the CPU numba compiles for (`MODE`):

- "nibble" (AVX2 without AVX-512 VPOPCNTDQ, e.g. AMD Zen 3): a row is stored split into its low
  and high nibbles (8 words per vector: 4 of low nibbles, 4 of high). The nibbles of a & b are
  then the ands of the nibbles, and their bit counts come from one 16-entry table lookup each
  (`vpshufb`), summed per byte and reduced with `vpsadbw` only at the end of a run of vectors
  (at most NIBBLE_RUN, so a byte never overflows: 8 bits a vector). Splitting once per row,
  not once per pair, leaves six vector instructions per pair and vector: two ands, two lookups,
  two adds. Each loaded vector feeds 4 (left) or 2 (right) pairs.
- "wide512" (AVX-512 VPOPCNTDQ: Zen 4/5, Ice Lake and later): a row is its words, zero-padded;
  two vectors are counted at once as one 512-bit `vpopcntq` (LLVM's `ctpop` on <8 x i64>), a
  last odd vector as one 256-bit. Three instructions per pair and 512 bits: and, vpopcntq, add.
- "wide" (anywhere else): the same rows; LLVM's generic `ctpop` on <4 x i64>, a table sequence
  or scalar POPCNT depending on the CPU.

Either way the counts are exact integers: the layout changes speed, never results (the tests run
both layouts against the numpy reference).
"""

from __future__ import annotations

import re

import llvmlite.binding as llvm
import numpy as np
from llvmlite import ir
from numba import config, njit, types
from numba.core import cgutils
from numba.extending import intrinsic

ROWS = 2           # left rows per block
COLUMNS = 4        # right rows per block
NIBBLE_RUN = 31    # vectors summed per byte before the bytes are reduced (31 x 8 < 256)

_I32 = ir.IntType(32)
_I64 = ir.IntType(64)
_V4 = ir.VectorType(_I64, 4)
_V8 = ir.VectorType(_I64, 8)
_V32 = ir.VectorType(ir.IntType(8), 32)
_NIBBLE_COUNTS = ir.Constant(_V32, [bin(i & 15).count("1") for i in range(32)])
_LOW_NIBBLES = 0x0F0F0F0F0F0F0F0F


def cpu_features() -> set[str]:
    """Features of the CPU numba compiles for (NUMBA_CPU_FEATURES when set, else the host's)."""
    if config.CPU_FEATURES is not None:
        flat = config.CPU_FEATURES
    else:
        llvm.initialize_native_target()
        flat = llvm.get_host_cpu_features().flatten()
    return {f[1:] for f in flat.split(",") if f.startswith("+")}


def choose_mode(features: set[str]) -> str:
    if {"avx512f", "avx512vpopcntdq"} <= features:
        return "wide512"
    if "avx2" in features:
        return "nibble"
    return "wide"


MODE = choose_mode(cpu_features())


def words_per_vector(mode: str) -> int:
    """uint64 words a prepared row holds per 256-bit vector of the filter."""
    return 8 if mode == "nibble" else 4


def _function(builder, name, result, arguments):
    return cgutils.get_or_insert_function(builder.module, ir.FunctionType(result, arguments),
                                          name)


def _lane_sums(builder, sums, limit=None):
    """Sums of the lanes of 4 x i64 vectors whose lanes are < 2**31, four vectors at a time:
    two sums share a 64-bit lane (low and high halves), so one horizontal reduction serves four
    pairs instead of one. With `limit` (an i64), also whether any sum reaches it (an i1),
    tested on the packed sums before they are taken apart."""
    out = []
    reached = None
    shift = ir.Constant(_V4, [32] * 4)
    low = ir.Constant(_I64, 0xFFFFFFFF)

    def pick(x, y, lanes):
        return builder.shuffle_vector(x, y, ir.Constant(ir.VectorType(_I32, len(lanes)), lanes))

    for g in range(0, len(sums), 4):
        s0, s1, s2, s3 = sums[g:g + 4]
        w01 = builder.add(s0, builder.shl(s1, shift))
        w23 = builder.add(s2, builder.shl(s3, shift))
        z = builder.add(pick(w01, w23, [0, 4, 2, 6]), pick(w01, w23, [1, 5, 3, 7]))
        q = builder.add(pick(z, z, [0, 1]), pick(z, z, [2, 3]))
        if limit is not None:
            packed = builder.bitcast(q, ir.VectorType(_I32, 4))
            bound = builder.trunc(builder.sub(limit, ir.Constant(_I64, 1)), _I32)
            splat = builder.insert_element(ir.Constant(ir.VectorType(_I32, 4), None), bound,
                                           ir.Constant(_I32, 0))
            splat = builder.shuffle_vector(splat, splat, ir.Constant(
                ir.VectorType(_I32, 4), [0] * 4))
            over = builder.icmp_signed(">", packed, splat)
            reached = over if reached is None else builder.or_(reached, over)
        for lane in range(2):
            e = builder.extract_element(q, ir.Constant(_I32, lane))
            out.append(builder.and_(e, low))
            out.append(builder.lshr(e, ir.Constant(_I64, 32)))
    if limit is None:
        return out
    flags = builder.bitcast(reached, ir.IntType(4))
    return out, builder.icmp_unsigned("!=", flags, ir.Constant(ir.IntType(4), 0))


def make_block(mode: str, reject: bool = False):
    """The block intrinsic for `mode` ("nibble", "wide512" or "wide").

    With `reject`, the block takes one more argument, `limit`, and returns 9 values: whether any
    of the 8 counts is at least `limit` (1 or 0; `limit` < 2**31), then the counts. The test
    runs on the packed sums in vector registers, so a block whose pairs are all far below the
    threshold (the usual case) is dropped without taking its sums apart."""
    step = words_per_vector(mode)
    pairs = ROWS * COLUMNS

    # one code generator for both signatures below
    def codegen(context, builder, sig, args):
        left = context.make_array(sig.args[0])(context, builder, args[0])
        right = context.make_array(sig.args[1])(context, builder, args[1])
        stride_a = builder.extract_value(left.shape, 1)
        stride_b = builder.extract_value(right.shape, 1)
        start, stop = args[2], args[3]
        base_a = [builder.mul(builder.extract_value(args[4], r), stride_a)
                  for r in range(ROWS)]
        base_b = [builder.mul(builder.extract_value(args[5], c), stride_b)
                  for c in range(COLUMNS)]
        zero4 = ir.Constant(_V4, None)
        totals = [cgutils.alloca_once_value(builder, zero4) for _ in range(pairs)]

        def load(array, base, offset, as_bytes, vector=_V4):
            pointer = builder.gep(array.data, [builder.add(base, offset)])
            value = builder.load(builder.bitcast(pointer, vector.as_pointer()), align=8)
            return builder.bitcast(value, _V32) if as_bytes else value

        def wide_run(first, last, vector, slots):
            """Counts over the 256-bit vectors [first, last), `vector` bits at a time."""
            lanes = vector.count
            count = _function(builder, f"llvm.ctpop.v{lanes}i64", vector, [vector])
            with cgutils.for_range_slice(builder, first, last,
                                         ir.Constant(_I64, lanes // 4)) as (v, _):
                offset = builder.mul(v, ir.Constant(_I64, step))
                xs = [load(left, base, offset, False, vector) for base in base_a]
                for c in range(COLUMNS):
                    y = load(right, base_b[c], offset, False, vector)
                    for r in range(ROWS):
                        add_to(slots[r * COLUMNS + c],
                               builder.call(count, [builder.and_(xs[r], y)]))

        def add_to(slot, value):
            builder.store(builder.add(builder.load(slot), value), slot)

        if mode == "nibble":
            lookup = _function(builder, "llvm.x86.avx2.pshuf.b", _V32, [_V32, _V32])
            sad = _function(builder, "llvm.x86.avx2.psad.bw", _V4, [_V32, _V32])
            bytes_ = [cgutils.alloca_once_value(builder, ir.Constant(_V32, None))
                      for _ in range(pairs)]

            def run(first, last):
                """Counts over vectors [first, last), at most NIBBLE_RUN, into totals."""
                for slot in bytes_:
                    builder.store(ir.Constant(_V32, None), slot)
                with cgutils.for_range_slice(builder, first, last,
                                             ir.Constant(_I64, 1)) as (v, _):
                    low = builder.mul(v, ir.Constant(_I64, step))
                    high = builder.add(low, ir.Constant(_I64, 4))
                    a_low = [load(left, base, low, True) for base in base_a]
                    a_high = [load(left, base, high, True) for base in base_a]
                    for c in range(COLUMNS):
                        b_low = load(right, base_b[c], low, True)
                        b_high = load(right, base_b[c], high, True)
                        for r in range(ROWS):
                            ones = builder.add(
                                builder.call(lookup, [_NIBBLE_COUNTS,
                                                      builder.and_(a_low[r], b_low)]),
                                builder.call(lookup, [_NIBBLE_COUNTS,
                                                      builder.and_(a_high[r], b_high)]))
                            add_to(bytes_[r * COLUMNS + c], ones)
                for slot, total in zip(bytes_, totals, strict=True):
                    add_to(total, builder.call(sad, [builder.load(slot),
                                                     ir.Constant(_V32, None)]))

            most = ir.Constant(_I64, NIBBLE_RUN)
            short = builder.icmp_signed("<=", builder.sub(stop, start), most)
            with builder.if_else(short, likely=True) as (one_run, many_runs):
                with one_run:   # the usual case, kept apart so nothing spills
                    run(start, stop)
                with many_runs, cgutils.for_range_slice(builder, start, stop,
                                                        most) as (first, _):
                    last = builder.add(first, most)
                    run(first, builder.select(builder.icmp_signed("<", last, stop), last,
                                              stop))
        elif mode == "wide512":
            zero8 = ir.Constant(_V8, None)
            wide = [cgutils.alloca_once_value(builder, zero8) for _ in range(pairs)]
            one = ir.Constant(_I64, 1)
            even = builder.add(start, builder.and_(builder.sub(stop, start), ir.Constant(
                _I64, -2)))
            wide_run(start, even, _V8, wide)
            with builder.if_then(builder.icmp_signed("<", even, stop)):
                wide_run(even, builder.add(even, one), _V4, totals)
            halves = [ir.Constant(ir.VectorType(_I32, 4), list(range(k, k + 4)))
                      for k in (0, 4)]
            for slot, total in zip(wide, totals, strict=True):
                value = builder.load(slot)
                add_to(total, builder.add(builder.shuffle_vector(value, value, halves[0]),
                                          builder.shuffle_vector(value, value, halves[1])))
        else:
            wide_run(start, stop, _V4, totals)
        loaded = [builder.load(slot) for slot in totals]
        if not reject:
            return context.make_tuple(builder, sig.return_type, _lane_sums(builder, loaded))
        sums, reached = _lane_sums(builder, loaded, args[6])
        return context.make_tuple(builder, sig.return_type,
                                  [builder.zext(reached, _I64), *sums])

    if reject:
        @intrinsic
        def block_over(typingctx, a, b, v0, v1, rows, cols, limit):
            return types.UniTuple(types.int64, pairs + 1)(a, b, v0, v1, rows, cols,
                                                          limit), codegen

        return block_over

    @intrinsic
    def block(typingctx, a, b, v0, v1, rows, cols):
        return types.UniTuple(types.int64, pairs)(a, b, v0, v1, rows, cols), codegen

    return block


@njit(cache=True)
def prepare_rows(source, r0, r1, target, nibble):
    """Rows r0..r1 of source into target rows 0.. in the layout "nibble" (when `nibble`) or
    "wide", zero-padded to whole vectors."""
    words = source.shape[1]
    vectors = (words + 3) // 4
    step = 8 if nibble else 4
    mask = np.uint64(_LOW_NIBBLES)
    four = np.uint64(4)
    for r in range(r0, r1):
        out = target[r - r0]
        for v in range(vectors):
            for lane in range(4):
                k = 4 * v + lane
                x = source[r, k] if k < words else np.uint64(0)
                if nibble:
                    out[step * v + lane] = x & mask
                    out[step * v + 4 + lane] = (x >> four) & mask
                else:
                    out[step * v + lane] = x


block = make_block(MODE)
block_over = make_block(MODE, reject=True)
NIBBLE = MODE == "nibble"


def block_assembly(mode: str, cpu: str | None = None) -> str:
    """Machine code of a 2 x 4 block in layout `mode`: for the CPU numba compiles for, or, with
    `cpu` (an LLVM CPU name such as "znver4"), for that CPU (to check, on any machine, which
    popcount instructions another one would run)."""
    counts = make_block(mode)

    @njit
    def probe(a, b, stop):
        return counts(a, b, 0, stop, (0, 1), (0, 1, 2, 3))

    signature = (types.uint64[:, ::1], types.uint64[:, ::1], types.int64)
    probe.compile(signature)
    if cpu is None:
        return probe.inspect_asm(signature)
    text = re.sub(r'"target-(cpu|features)"="[^"]*"', "", probe.inspect_llvm(signature))
    module = llvm.parse_assembly(text)
    machine = llvm.Target.from_triple(module.triple).create_target_machine(cpu=cpu, opt=3)
    return machine.emit_assembly(module)


def popcount_instructions(assembly: str) -> dict[str, int]:
    """How often each popcount-related instruction appears in `assembly`."""
    found = re.findall(r"^\s*(popcnt\w*|vpopcnt\w+|vpshufb|vpsadbw)\b", assembly, re.M)
    return {name: found.count(name) for name in sorted(set(found))}
