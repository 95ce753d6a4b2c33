"""Frequent bit patterns: the positions one token sets, found without the key.

Every token sets the same positions in every filter that holds it, so the filters holding a
token all have its positions set: a frequent pattern. Mining keeps, per position, the rows where
the bit is set and not yet explained by a pattern already found (the "residual"), so that a
position shared by several tokens yields each of them in turn, the most frequent unexplained one
first; this is the recursive partitioning of Christen et al. (PAKDD 2017, TKDE 2018) done
position by position.

One pattern from a seed position:
1. grow: add the position whose frequency inside the current rows rises most above its frequency
   in all rows (lift), and keep only the rows that set it too, a few times;
2. refine, alternating: positions = those set in (nearly) all supporting rows, supporting rows =
   rows setting (nearly) all positions, until neither changes. In an unhardened filter a token's
   rows set all its positions, while another position is set in a share of them near its base
   rate: the two binomials barely overlap, so the cut-offs are not delicate;
3. reject junk: a pattern pieced together from several tokens' positions has many rows missing
   only one or two of them, a real token almost none;
4. split composites: a token always seen with an already known one in its rows closes over both
   patterns; taking the known one out leaves the new token;
5. trim strays: a token nearly always seen with some other token (the 'g' of 'g_' follows an 'n'
   in all but a few names) closes over a position of it too, and its few holders without that
   position drop out; a position whose removal brings back more rows than chance would is not
   the token's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_GROWTH_STEPS = 4          # positions chosen by lift before the refinement takes over
_MIN_LIFT = 0.05           # a seed whose best partner explains less has no dominant token
# refinement: loose cut-offs while the rows are still a mixture, then the exact closure (every
# row sets every position: an unhardened filter has no noise)
_LOOSE_SHARE = 0.9
_EXACT_SHARE = 0.999
_REFINE_ROUNDS = 6
_CONSTANT_SHARE = 0.9      # a position set this often carries no pattern worth mining
_NEAR_MISS_FLOOR = 5        # rows missing one or two positions that prove nothing
_NEAR_MISS_SHARE = 0.02     # ... or this share of the support
_STRAY_CHANCE = 3.0         # rows a stray position must have cost, times those chance gives


def size_slack(bits_per_token: int) -> int:
    """Positions a token of k may lose to its own collisions and to positions left out as
    constant, and still be taken for one: 2 of 10, 3 of 20."""
    return max(1, round(0.15 * bits_per_token))


@dataclass(frozen=True, slots=True)
class Pattern:
    """The positions of one mined pattern and the rows (filters) that hold it."""

    positions: np.ndarray   # int, sorted
    rows: np.ndarray        # bool per filter

    @property
    def support(self) -> int:
        return int(self.rows.sum())

    @property
    def size(self) -> int:
        return len(self.positions)


def holding_rows(bits: np.ndarray, positions: np.ndarray, share: float = 1.0) -> np.ndarray:
    """Rows that set at least `share` of the positions (all of them for a short pattern)."""
    if len(positions) == 0:
        return np.zeros(len(bits), bool)
    need = max(1, int(np.ceil(share * len(positions) - 1e-9)))
    count = bits[:, positions].sum(axis=1, dtype=np.int32)
    return count >= need


def refine(bits: np.ndarray, rows: np.ndarray, *, rounds: int = _REFINE_ROUNDS,
           loose: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Alternate positions and supporting rows from a first guess of the rows."""
    positions = np.zeros(0, np.int64)
    for share_cut in (_LOOSE_SHARE, _EXACT_SHARE) if loose else (_EXACT_SHARE,):
        for _ in range(rounds):
            if rows.sum() == 0:
                return np.zeros(0, np.int64), rows
            share = bits[rows].mean(axis=0)
            new_positions = np.flatnonzero(share >= share_cut)
            new_rows = holding_rows(bits, new_positions, min(share_cut, 1.0))
            if np.array_equal(new_positions, positions) and np.array_equal(new_rows, rows):
                break
            positions, rows = new_positions, new_rows
    return positions, rows


def grow(bits: np.ndarray, base: np.ndarray, rows: np.ndarray, seed: int) -> np.ndarray | None:
    """Rows of the dominant token at `seed` among `rows`, or None when there is none."""
    chosen = [seed]
    rows = rows.copy()
    headroom = np.maximum(1.0 - base, 1e-6)
    for _ in range(_GROWTH_STEPS):
        share = bits[rows].mean(axis=0)
        lift = (share - base) / headroom
        lift[chosen] = -np.inf
        best = int(np.argmax(lift))
        if lift[best] < _MIN_LIFT:
            return None if len(chosen) == 1 else rows
        chosen.append(best)
        rows &= bits[:, best]
    return rows


def _missing_few(densities: np.ndarray, records: int) -> float:
    """Expected rows with all but one or two of the positions set, were the positions set
    independently at these densities (Poisson-binomial, by dynamic programming)."""
    missing = np.zeros(3)
    missing[0] = 1.0
    for d in densities.tolist():
        missing[1:] = missing[1:] * d + missing[:-1] * (1 - d)
        missing[0] *= d
    return records * float(missing[1] + missing[2])


def looks_like_one_token(bits: np.ndarray, base: np.ndarray, positions: np.ndarray,
                         rows: np.ndarray) -> bool:
    """A token's rows set all its positions; other rows set all but one or two only by chance.

    A pattern stitched together from pieces of several tokens (positions that happen to be set
    together in many rows) has many more rows that miss one or two of its positions than
    independent positions of these densities would give; a real token has fewer.
    """
    size = len(positions)
    if size < 3:
        return False
    count = bits[:, positions].sum(axis=1, dtype=np.int32)
    near = int(((count >= size - 2) & (count < size)).sum())
    chance = _missing_few(base[positions], len(bits))
    return near <= max(_NEAR_MISS_FLOOR, _NEAR_MISS_SHARE * int(rows.sum()), chance)


def without_known(positions: np.ndarray, known: list[Pattern], width: int) -> np.ndarray:
    """The positions left after taking out every known pattern the set contains whole."""
    inside = np.zeros(width, bool)
    inside[positions] = True
    rest = inside.copy()
    for pattern in known:
        if inside[pattern.positions].all():
            rest[pattern.positions] = False
    return np.flatnonzero(rest)


def split_composite(bits: np.ndarray, positions: np.ndarray, rows: np.ndarray,
                    known: list[Pattern]) -> tuple[np.ndarray, np.ndarray]:
    """A composite (a token always seen with known tokens in these rows, e.g. 'ti' inside
    'ati_') less the known tokens, re-closed over all the rows that hold what is left. A real
    token's positions never hold another token's whole pattern (but by a negligible chance)."""
    for _ in range(3):
        rest = without_known(positions, known, bits.shape[1])
        if len(rest) == len(positions) or len(rest) < 2:
            break
        positions, rows = refine(bits, holding_rows(bits, rest), loose=False)
    return positions, rows


def trim_strays(bits: np.ndarray, base: np.ndarray, positions: np.ndarray, rows: np.ndarray,
                max_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Drop, while the pattern is larger than a token, the position whose absence the most
    rows show (rows holding all the other positions), when chance cannot explain them: in an
    unhardened filter a token's holders set all its positions, so such rows hold the token and
    lack a position that is not its own."""
    while len(positions) > max_size:
        count = bits[:, positions].sum(axis=1, dtype=np.int32)
        near = count == len(positions) - 1
        if not near.any():
            break
        gain = (~bits[np.ix_(near, positions)]).sum(axis=0)
        j = int(np.argmax(gain))
        # rows holding all the other positions by chance: densities outside the pattern's rows
        outside = bits[np.ix_(~rows, positions)].mean(axis=0) if (~rows).any() else base[positions]
        log_density = np.log(np.clip(outside, 1e-9, 1.0))
        chance = int((~rows).sum()) * np.exp(log_density.sum() - log_density[j]) \
            * (1.0 - outside[j])
        if gain[j] == 0 or gain[j] < _STRAY_CHANCE * chance:
            break
        positions = np.delete(positions, j)
        rows = holding_rows(bits, positions)
    return positions, rows


def mine_patterns(bits: np.ndarray, *, min_support: int, min_size: int, max_size: int,
                  max_patterns: int = 3000) -> list[Pattern]:
    """Frequent patterns of `bits` ((n, m) bool), most frequent unexplained seed first.

    `min_size`: fewer positions than the smallest token sets (less its own collisions) is a
    coincidence of a few rows, not a token. A pattern larger than `max_size` (the largest
    token) is a composite of tokens that always occur together in its rows: known tokens are
    taken out of it; what cannot be split is kept, and the caller decides what it is.
    """
    n = len(bits)
    if n == 0:
        return []
    base = bits.mean(axis=0)
    # positions set in nearly every filter (another field's constant token, e.g. a NIK serial
    # digit that is almost always 0) would join every pattern's closure: leave them out
    bits = bits & (base < _CONSTANT_SHARE)[None, :]
    base = bits.mean(axis=0)
    residual = bits.copy()
    left = residual.sum(axis=0).astype(np.int64)
    patterns: list[Pattern] = []
    seen: set[bytes] = set()
    while len(patterns) < max_patterns:
        seed = int(np.argmax(left))
        if left[seed] < min_support:
            break
        seed_rows = residual[:, seed].copy()
        grown = grow(bits, base, seed_rows, seed)
        positions, rows = (refine(bits, grown) if grown is not None and grown.sum()
                           else (np.zeros(0, np.int64), np.zeros(n, bool)))
        positions, rows = split_composite(bits, positions, rows, patterns)
        positions, rows = trim_strays(bits, base, positions, rows, max_size)
        key = positions.tobytes()
        usable = key not in seen and _acceptable(bits, base, positions, rows, min_support,
                                                 min_size, max_size)
        if not usable:
            # the dominant group of this seed's rows is no token: give those rows up here (all
            # of them when growth found no group), so that the seed's other tokens get a turn
            give_up = seed_rows if grown is None else seed_rows & grown
            if give_up.sum() < min_support:
                give_up = seed_rows
            residual[give_up, seed] = False
            left[seed] -= int(give_up.sum())
            continue
        seen.add(key)
        patterns.append(Pattern(positions, rows))
        explained = residual[np.ix_(rows, positions)]
        left[positions] -= explained.sum(axis=0)
        residual[np.ix_(rows, positions)] = False
    return _split_late(bits, base, patterns, seen, min_support, min_size, max_size)


def _acceptable(bits: np.ndarray, base: np.ndarray, positions: np.ndarray, rows: np.ndarray,
                min_support: int, min_size: int, max_size: int) -> bool:
    return (len(positions) >= min_size and rows.sum() >= min_support
            and (len(positions) > max_size
                 or looks_like_one_token(bits, base, positions, rows)))


def _split_late(bits: np.ndarray, base: np.ndarray, patterns: list[Pattern], seen: set[bytes],
                min_support: int, min_size: int, max_size: int) -> list[Pattern]:
    """Composites mined before the tokens inside them were known, split now: each yields the
    token it was hiding, and is dropped."""
    kept: list[Pattern] = []
    for i, pattern in enumerate(patterns):
        others = patterns[:i] + patterns[i + 1:]
        positions, rows = split_composite(bits, pattern.positions, pattern.rows, others)
        if len(positions) == pattern.size:
            kept.append(pattern)
            continue
        key = positions.tobytes()
        if key not in seen and _acceptable(bits, base, positions, rows, min_support, min_size,
                                           max_size):
            seen.add(key)
            kept.append(Pattern(positions, rows))
    return kept
