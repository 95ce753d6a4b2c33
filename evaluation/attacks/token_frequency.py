"""Joint frequency attack on the keyed blocking tokens.

A blocking token is deterministic: every record with the same (birth year, name code) carries the
same year_name token, every record with the same (birthdate, sex) the same dob_sex token. The
attacker cannot invert the keyed hash, but sees how often each token occurs, in which strata
(NIK provinces), and which tokens occur together on one record. The keys constrain each other:

1. Records sharing any token whose key has a birth-year part (birth_year, birthdate) were born in
   the same year, so the connected components of "shares a year-bearing token" are year cohorts.
   Within one cohort every name-bearing token has its own name code (the keys are 1:1 maps).
2. Each name-bearing token is scored against every public cell (its parts' values, e.g. (year,
   code)): Poisson likelihood of its count given the cell's public frequency, plus how well its
   strata fit the provinces where that code is common.
3. Each cohort takes the year that explains its tokens best; its tokens are assigned to distinct
   codes of that year by maximum-likelihood matching (Hungarian); a token alone in its cohort
   takes its best cell.
4. Each record of a token is guessed the most frequent public name with the recovered code (in
   the record's stratum where the public sample is large enough there); or, where the filter's
   weight tells the name's length (an unsalted record-level filter, token_length), the public
   name that best explains both its code posterior and its weight: on diverse names a code
   holds many names, and its commonest one is rarely the record's.

Every token counts, even one seen once (`min_count`): its count still says its code is not a
common one, and with the weight that is evidence.

Keys without a name part give no name guess (a guess from year and sex alone is the blind
guess); the recovered year, sex and birthdate are still scored (`AttackOutcome.recovered`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import gammaln, logsumexp

from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    score_guesses,
)
from padan.evaluation.attacks.token_length import length_loglik, record_name_guesses

_YEAR_PARTS = ("birth_year", "birthdate")
_SMOOTHING = 20.0        # pseudo-counts pulling a year's code shares toward its neighbours'
_YEAR_WINDOW = 3         # neighbouring years whose code shares smooth a year's
_LOCAL_NAMES = 5         # public people of a code in a stratum before the stratum's names count
_FLOOR = 1e-3            # least expected count of a cell (a code unseen in a year)


@dataclass(frozen=True, slots=True)
class _Tokens:
    """The distinct non-zero tokens of one blocking key: per record its token index (-1: none)."""

    index: np.ndarray    # int per record
    counts: np.ndarray   # records per token


def _tokens(target: AttackTarget, key: str) -> _Tokens:
    column = list(target.blocking_keys).index(key)
    raw = np.asarray(target.records["blocks"][:, column], np.uint64)
    index = np.full(len(raw), -1, np.int64)
    present = np.flatnonzero(raw != 0)
    _, inverse, counts = np.unique(raw[present], return_inverse=True, return_counts=True)
    index[present] = inverse.reshape(-1)
    return _Tokens(index, counts)


def cohorts(target: AttackTarget, keys: list[str]) -> np.ndarray:
    """Component label per record of the graph 'shares a token of one of `keys`'."""
    n = len(target)
    rows, columns, offset = [], [], n
    for key in keys:
        tokens = _tokens(target, key)
        present = np.flatnonzero(tokens.index >= 0)
        rows.append(present)
        columns.append(offset + tokens.index[present])
        offset += len(tokens.counts)
    if not rows:
        return np.arange(n)
    r, c = np.concatenate(rows), np.concatenate(columns)
    graph = coo_matrix((np.ones(len(r), np.int8), (r, c)), shape=(offset, offset))
    return connected_components(graph, directed=False)[1][:n]


@dataclass(frozen=True, slots=True)
class _PublicCells:
    """Public frequencies of (year, code) and where each code lives."""

    years: np.ndarray          # the year of each row of `share`
    codes: list[str]           # the code of each column
    share: np.ndarray          # (years, codes) smoothed share of people
    province_log: np.ndarray   # (provinces, codes) log P(province | code)
    names_by_code: dict[str, Counter]
    names_by_code_province: dict[tuple[str, int], Counter]
    sex_by_code: dict[str, float]   # share female


def _public_cells(public: PublicNames, with_year: bool) -> _PublicCells:
    codes_of = public.codes()
    codes = sorted(set(codes_of) - {""})
    column = {c: j for j, c in enumerate(codes)}
    years = (np.unique(public.birth_years[public.birth_years > 0]) if with_year
             else np.zeros(1, np.int64))
    row = {int(y): i for i, y in enumerate(years.tolist())}
    counts = np.zeros((len(years), len(codes)))
    provinces = public.provinces if public.provinces is not None else np.zeros(len(public), int)
    by_province = np.ones((100, len(codes)))          # add-one smoothing
    names_by_code: dict[str, Counter] = defaultdict(Counter)
    names_local: dict[tuple[str, int], Counter] = defaultdict(Counter)
    female = Counter()
    for name, code, year, province, is_female in zip(
            public.names, codes_of, public.birth_years.tolist(), provinces.tolist(),
            public.female.tolist(), strict=True):
        if not code:
            continue
        j = column[code]
        y = row.get(int(year)) if with_year else 0
        if y is not None:
            counts[y, j] += 1
        by_province[province % 100, j] += 1
        names_by_code[code][name] += 1
        names_local[(code, province)][name] += 1
        female[code] += is_female
    total = counts.sum()
    share = counts / max(total, 1)
    if with_year and len(years) > 1:
        # a year's code shares, smoothed toward its neighbouring years' (small cohorts are noisy)
        year_size = counts.sum(axis=1, keepdims=True)
        window = np.zeros_like(counts)
        for i in range(len(years)):
            near = slice(max(0, i - _YEAR_WINDOW), i + _YEAR_WINDOW + 1)
            window[i] = counts[near].sum(axis=0)
        window_share = (window + 0.5 * counts.sum(axis=0) / max(total, 1)) / (
            window.sum(axis=1, keepdims=True) + 0.5)
        share = (counts + _SMOOTHING * window_share) / (year_size + _SMOOTHING) * (
            year_size / max(total, 1))
    province_log = np.log(by_province / by_province.sum(axis=0, keepdims=True))
    sex = {c: female[c] / sum(names_by_code[c].values()) for c in names_by_code}
    return _PublicCells(years, codes, share, province_log, dict(names_by_code),
                        dict(names_local), sex)


def _token_strata(tokens: _Tokens, strata: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """(chosen tokens, 100) counts of each token's records per stratum."""
    position = np.full(len(tokens.counts), -1)
    position[chosen] = np.arange(len(chosen))
    rows = np.flatnonzero(tokens.index >= 0)
    at = position[tokens.index[rows]]
    keep = at >= 0
    histogram = np.zeros((len(chosen), 100))
    np.add.at(histogram, (at[keep], strata[rows[keep]] % 100), 1)
    return histogram


def _incidence(tokens: _Tokens, columns: np.ndarray | None = None) -> csr_matrix:
    """Sparse (records, tokens) 0/1 matrix; only the tokens in `columns` (renumbered) if given."""
    index = tokens.index
    if columns is not None:
        position = np.full(len(tokens.counts), -1)
        position[columns] = np.arange(len(columns))
        index = np.where(index >= 0, position[np.maximum(index, 0)], -1)
    rows = np.flatnonzero(index >= 0)
    width = len(tokens.counts) if columns is None else len(columns)
    return csr_matrix((np.ones(len(rows)), (rows, index[rows])), shape=(len(index), width))


def _code_scores(counts: np.ndarray, cells: _PublicCells, records: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per token: log-likelihood of each code (its count, the year summed out) and of each
    year (the code summed out), from Poisson counts around the public cell frequencies."""
    expected = np.maximum(records * cells.share, _FLOOR)          # (years, codes)
    n = counts[:, None].astype(float)
    constant = gammaln(n + 1)
    by_code = np.full((len(counts), len(cells.codes)), -np.inf)
    by_year = np.empty((len(counts), len(cells.years)))
    for y in range(len(cells.years)):
        score = n * np.log(expected[y])[None, :] - expected[y][None, :] - constant
        by_code = np.logaddexp(by_code, score)
        by_year[:, y] = logsumexp(score, axis=1)
    return by_code, by_year


def _with_sex_links(score: np.ndarray, same_sex: csr_matrix, female: np.ndarray,
                    rounds: int = 3) -> np.ndarray:
    """Code log-scores refined by the tokens each token shares a sex-bearing token with: they
    have the same sex, so a token linked to surely-female tokens is a female name (loopy
    belief propagation on the 'same sex' graph, a few rounds)."""
    base = score
    for _ in range(rounds):
        posterior = _softmax(score)
        q = np.clip(posterior @ female, 1e-4, 1 - 1e-4)      # P(token is female)
        # for each token and code: sum over linked tokens of log P(same sex | code, link)
        log_f = same_sex @ np.log(q)
        log_m = same_sex @ np.log(1 - q)
        score = base + np.logaddexp(np.log(female)[None, :] + log_f[:, None],
                                    np.log(1 - female)[None, :] + log_m[:, None])
    return score


def _softmax(score: np.ndarray) -> np.ndarray:
    return np.exp(score - logsumexp(score, axis=1, keepdims=True))


def _name_guesses(posterior: np.ndarray, cells: _PublicCells, strata: np.ndarray,
                  top: int = 25) -> list[str | None]:
    """The name most likely right for each token: sum over its likely codes of P(code) times
    the share of that code's public people who bear the name (in the token's main stratum
    where the public sample has enough people there)."""
    guesses: list[str | None] = []
    for i in range(len(posterior)):
        best = np.argsort(-posterior[i])[:top]
        score: Counter = Counter()
        for j in best.tolist():
            names = _names_of(cells, cells.codes[j], int(strata[i]))
            total = sum(names.values())
            for name, count in names.most_common(30):
                score[name] += posterior[i, j] * count / total
        guesses.append(score.most_common(1)[0][0] if score else None)
    return guesses


def _names_of(cells: _PublicCells, code: str, province: int) -> Counter:
    local = cells.names_by_code_province.get((code, province))
    if province and local and sum(local.values()) >= _LOCAL_NAMES:
        return local
    return cells.names_by_code.get(code, Counter())


def name_groups(target: AttackTarget, key: str, *, filter_links: bool = True,
                bit_range: tuple[int, int] | None = None) -> tuple[_Tokens, np.ndarray]:
    """Groups of records that surely share a name code, and the number of name-key tokens in
    each group. Records sharing a token of `key` share the code; with `filter_links`, so do
    records whose filters (within `bit_range`) are identical and occur more than once, since a
    filter that repeats is deterministic in the values it encodes, the name among them: such
    links join a code's tokens across birth years, so its frequency adds up."""
    tokens = _tokens(target, key)
    n = len(target)
    rows = [np.flatnonzero(tokens.index >= 0)]
    columns = [n + tokens.index[rows[0]]]
    offset = n + len(tokens.counts)
    if filter_links:
        bits = target.bits(bit_range)
        packed = np.packbits(bits, axis=1)
        _, inverse, counts = np.unique(packed, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        repeated = np.flatnonzero(counts[inverse] > 1)
        rows.append(repeated)
        columns.append(offset + inverse[repeated])
        offset += len(counts)
    r, c = np.concatenate(rows), np.concatenate(columns)
    graph = coo_matrix((np.ones(len(r), np.int8), (r, c)), shape=(offset, offset))
    label = connected_components(graph, directed=False)[1][:n]
    has_token = tokens.index >= 0
    index = np.full(n, -1, np.int64)
    _, index[has_token] = np.unique(label[has_token], return_inverse=True)
    counts = np.bincount(index[has_token]) if has_token.any() else np.zeros(0, np.int64)
    pairs = np.unique(np.stack([index[has_token], tokens.index[has_token]]), axis=1)
    spans = np.bincount(pairs[0], minlength=len(counts)) if pairs.size else counts * 0
    return _Tokens(index, counts), spans


def joint_token_frequency_attack(target: AttackTarget, public: PublicNames, *,
                                 min_count: int = 1, filter_links: bool = True,
                                 bit_range: tuple[int, int] | None = None,
                                 read_weight: bool = True) -> AttackOutcome:
    """The joint attack over every blocking key (see the module docstring); `bit_range` limits
    the filter bits compared for `filter_links` (see name_groups). `read_weight`: guess each
    record by its code and its filter's weight where the weight tells the name's length (the
    whole filter only); False: each token's commonest name of its code."""
    attack = "frequency:blocking"
    keys = {b.name: list(b.parts) for b in target.schema.blocking}
    name_keys = [k for k, parts in keys.items() if "name_code" in parts
                 and set(parts) <= {"birth_year", "name_code"}]
    year_keys = [k for k, parts in keys.items() if set(parts) & set(_YEAR_PARTS)]
    sex_keys = [k for k, parts in keys.items() if "sex" in parts and "name_code" not in parts]
    guesses: list[str | None] = [None] * len(target)
    year_guess = np.zeros(len(target), np.int64)
    code_guess: list[str | None] = [None] * len(target)
    strata = target.strata()
    if not name_keys or not len(public):
        outcome = score_guesses(attack, target, guesses, public)
        return replace(outcome, recovered=_recovered(target, year_guess, code_guess, public))
    key = name_keys[0]
    with_year = "birth_year" in keys[key]
    cells = _public_cells(public, with_year)
    groups, spans = name_groups(target, key, filter_links=filter_links, bit_range=bit_range)
    chosen = np.flatnonzero(groups.counts >= min_count)
    members = _incidence(groups, chosen)                         # (records, chosen groups)
    records = int((groups.index >= 0).sum())
    by_code, by_year = _code_scores(groups.counts[chosen], cells, records)
    # a group spanning several years' tokens: its count is the code's over all years
    across = spans[chosen] > 1
    if across.any():
        whole = replace(cells, years=cells.years[:1], share=cells.share.sum(axis=0,
                                                                            keepdims=True))
        by_code[across] = _code_scores(groups.counts[chosen][across], whole, records)[0]
    if strata.any():
        by_code = by_code + (members.T @ _one_hot(strata)) @ cells.province_log
    if sex_keys:
        links = sum((members.T @ _incidence(_tokens(target, k))) for k in sex_keys)
        same_sex = (links @ links.T).tocsr()
        same_sex.setdiag(0)
        same_sex.eliminate_zeros()
        same_sex.data = np.minimum(same_sex.data, 1.0)
        female = np.clip(np.array([cells.sex_by_code.get(c, 0.5) for c in cells.codes]),
                         0.02, 0.98)
        by_code = _with_sex_links(by_code, same_sex, female)
    posterior = _softmax(by_code)
    if across.sum() > 1:
        posterior[across] = _distinct_codes(by_code[across])
    main_stratum = np.asarray((members.T @ _one_hot(strata)).argmax(axis=1)).reshape(-1)
    group_code = posterior.argmax(axis=1)
    in_group = np.flatnonzero(np.diff(members.indptr))
    loglik = length_loglik(target) if read_weight and bit_range is None else None
    if loglik is not None:
        # each record its own guess: a code's people differ in name, and so in length
        record_guess = record_name_guesses(posterior[members.indices], cells, loglik[in_group])
        for row, guess in zip(in_group.tolist(), record_guess, strict=True):
            guesses[row] = guess
    else:
        group_guess = _name_guesses(posterior, cells, main_stratum)
        for row, g in zip(in_group.tolist(), members.indices.tolist(), strict=True):
            guesses[row] = group_guess[g]
    for row, g in zip(in_group.tolist(), members.indices.tolist(), strict=True):
        code_guess[row] = cells.codes[group_code[g]]
    if with_year:
        single = np.zeros(len(target), bool)
        single[in_group] = ~across[members.indices]
        year_guess = _cohort_years(target, year_keys, members, by_year, single, cells)
    outcome = score_guesses(attack, target, guesses, public)
    return replace(outcome, recovered=_recovered(target, year_guess, code_guess, public))


def _distinct_codes(score: np.ndarray) -> np.ndarray:
    """Groups spanning several birth years are (nearly) whole codes: each gets a code of its
    own, by maximum-likelihood 1:1 matching; a group left over keeps its own posterior."""
    rows, columns = linear_sum_assignment(score, maximize=True)
    out = _softmax(score)
    out[rows] = 0.0
    out[rows, columns] = 1.0
    return out


def _one_hot(strata: np.ndarray) -> csr_matrix:
    rows = np.arange(len(strata))
    return csr_matrix((np.ones(len(strata)), (rows, strata % 100)), shape=(len(strata), 100))


def _cohort_years(target: AttackTarget, year_keys: list[str], members: csr_matrix,
                  by_year: np.ndarray, single: np.ndarray, cells: _PublicCells) -> np.ndarray:
    """The birth year of each record (0: unknown): the year that best explains the one-year
    groups of its cohort (records linked by year-bearing tokens were born in the same year)."""
    label = cohorts(target, year_keys)
    rows = np.flatnonzero(single)
    years = np.zeros(len(target), np.int64)
    if not len(rows):
        return years
    group_of_row = members[rows].indices
    _, cohort = np.unique(label, return_inverse=True)
    totals = np.zeros((cohort.max() + 1, by_year.shape[1]))
    # each group's year scores counted once per cohort (all its records are in one cohort)
    firsts = np.unique(np.stack([cohort[rows], group_of_row]), axis=1)
    np.add.at(totals, firsts[0], by_year[firsts[1]])
    known = np.zeros(len(totals), bool)
    known[firsts[0]] = True
    best = cells.years[totals.argmax(axis=1)]
    return np.where(known[cohort], best[cohort], 0)


def _recovered(target: AttackTarget, year_guess: np.ndarray, code_guess: list[str | None],
               public: PublicNames) -> dict[str, float]:
    """Share of records whose birth year, name code, sex and birthdate the attack recovered.

    The birthdate is recovered where the flags say it is a placeholder (1 Jan, 1 Jul or 31 Dec:
    the public sample says which is most common) and the year is known; a real birthdate is
    not recoverable from frequencies (every day of a year is about equally common).
    """
    from padan.encoder.normalise import name_code

    n = len(target)
    if not n:
        return {}
    placeholder, _ = target.date_flags()
    common = _commonest_placeholder(public)
    dates = target.true_birthdates or (None,) * n
    year_ok = code_ok = date_ok = 0
    for row in range(n):
        truth = dates[row]
        if truth is not None and year_guess[row] == truth.year:
            year_ok += 1
            if placeholder[row] and (truth.month, truth.day) == common:
                date_ok += 1
        name = target.true_names[row]
        if code_guess[row] is not None and name and name_code(name) == code_guess[row]:
            code_ok += 1
    return {"birth_year": year_ok / n, "name_code": code_ok / n, "birthdate": date_ok / n}


def _commonest_placeholder(public: PublicNames) -> tuple[int, int]:
    if public.birthdates is None or public.placeholder is None or not public.placeholder.any():
        return 7, 1     # 1 July, the commonest placeholder
    dates = public.birthdates[public.placeholder]
    months = dates.astype("datetime64[M]")
    month = (months - dates.astype("datetime64[Y]").astype("datetime64[M]")).astype(int) + 1
    day = (dates - months.astype("datetime64[D]")).astype(int) + 1
    return Counter(zip(month.tolist(), day.tolist(), strict=True)).most_common(1)[0][0]
