"""Inline SVG charts drawn on the server for the auditors' dashboard (no script, no CDN).

Every function returns one `<svg>` element as text. Styling is by class (the page's one style
sheet) and by presentation attributes, never `style=` attributes, so the page's
Content-Security-Policy can allow exactly one style sheet by its hash. Every number shown is
marked `data-field="<path>"`, so a test (and an auditor's tool) can read what the page says and
compare it with the report JSON. Hover titles (`<title>`) give the exact values.

Counts are `int` or `None`; None is a suppressed small cell and is shown as "<k", and so is any
count from 1 to k-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from padan.i18n import _, decimal, number

PALETTE = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16",
           "#4a5568")
FONT = 12  # px, the charts' body text


def count_text(value: int | None, k: int | None) -> str:
    """A count as shown: 1,234; a suppressed cell as "<k". A count from 1 to k-1 that reached
    here unsuppressed is hidden too (defence in depth: the caller should have done it)."""
    if value is None or (k and 0 < value < k):
        return f"<{k}" if k else _("suppressed")
    return number(value)


def field_attr(field: str | None) -> str:
    return f' data-field="{escape(field)}"' if field else ""


def _text(x: float, y: float, content: str, *, anchor: str = "middle", cls: str = "",
          field: str | None = None, title: str | None = None) -> str:
    klass = f' class="{cls}"' if cls else ""
    hover = f"<title>{escape(title)}</title>" if title else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}{field_attr(field)}>'
            f"{hover}{escape(content)}</text>")


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{escape(label)}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>')


def nice_maximum(value: float) -> float:
    """A round axis top for counts at or above value (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^n);
    1 for anything up to 1."""
    if value <= 1:
        return 1.0
    scale = 1.0
    while scale * 10 <= value:
        scale *= 10
    while scale > value:
        scale /= 10
    return next(f * scale for f in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if f * scale >= value)


def _ticks(top: float) -> list[float]:
    """Tick values from 0 to top at round steps (top comes from nice_maximum)."""
    scale = 1.0
    while scale * 10 <= top:
        scale *= 10
    while scale > top:
        scale /= 10
    lead = round(top / scale, 1)
    count = {1.5: 3, 3: 3, 6: 3, 2.5: 5, 5: 5}.get(lead, 4)
    return [top * i / count for i in range(count + 1)]


def count_axis_top(values) -> float:
    """The axis top for counts: round, and at least 4 so ticks are whole numbers."""
    return max(4.0, nice_maximum(max((v for v in values if v is not None), default=0)))


def _tick_label(value: float) -> str:
    return number(round(value)) if value >= 1 or value == 0 else number(value)


# -- pairwise matrix ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MatrixCell:
    match: int | None
    possible: int | None
    share: float          # 0..1, for the shade


def overlap_matrix(parties: Sequence[str], records: dict[str, int | None],
                   cells: dict[tuple[str, str], MatrixCell], k: int | None) -> str:
    """An N x N grid: the diagonal holds list sizes, other cells the matched groups of the pair
    (band match, then "+n possible")."""
    size, label_width, top = 104, 90, 28
    n = len(parties)
    width, height = label_width + n * size + 8, top + n * size + 8
    body = []
    for i, name in enumerate(parties):
        body.append(_text(label_width + i * size + size / 2, top - 10, name, cls="axis-name"))
        body.append(_text(label_width - 8, top + i * size + size / 2 + 4, name, anchor="end",
                          cls="axis-name"))
    for i, row in enumerate(parties):
        for j, column in enumerate(parties):
            x, y = label_width + j * size, top + i * size
            if i == j:
                body.append(f'<rect x="{x + 2}" y="{y + 2}" width="{size - 4}" '
                            f'height="{size - 4}" rx="6" class="cell-self"/>')
                body.append(_text(x + size / 2, y + size / 2 - 2,
                                  count_text(records.get(row), k), cls="cell-main",
                                  field=f"records/{row}",
                                  title=_("{agency}: records in the list").format(agency=row)))
                body.append(_text(x + size / 2, y + size / 2 + 16, _("records"),
                                  cls="cell-sub"))
                continue
            a, b = (row, column) if (row, column) in cells else (column, row)
            cell = cells.get((a, b))
            if cell is None:
                continue
            shade = 0.08 + 0.8 * max(0.0, min(1.0, cell.share))
            body.append(f'<rect x="{x + 2}" y="{y + 2}" width="{size - 4}" height="{size - 4}" '
                        f'rx="6" fill="#2b6cb0" fill-opacity="{shade:.2f}" class="cell"/>')
            dark = shade > 0.5
            tone = " on-dark" if dark else ""
            owner = i < j  # the upper triangle carries the data fields; the lower mirrors it
            body.append(_text(x + size / 2, y + size / 2 - 2, count_text(cell.match, k),
                              cls=f"cell-main{tone}",
                              field=f"pairwise/{a}/{b}/match" if owner else None,
                              title=_("{a} and {b}: groups in the match band").format(a=a,
                                                                                      b=b)))
            possible = field_attr(f"pairwise/{a}/{b}/possible" if owner else None)
            hover = _("{a} and {b}: groups in the possible band").format(a=a, b=b)
            before, after = _("+{count} possible").split("{count}", 1)
            body.append(f'<text x="{x + size / 2:.1f}" y="{y + size / 2 + 16:.1f}" '
                        f'text-anchor="middle" class="cell-sub{tone}"><title>{escape(hover)}'
                        f"</title>{escape(before)}<tspan{possible}>"
                        f"{escape(count_text(cell.possible, k))}</tspan>{escape(after)}</text>")
    return _svg(width, height, body, _("pairwise overlap matrix"))


# -- UpSet-style combinations ------------------------------------------------------------------

def combination_chart(parties: Sequence[str], combos: Sequence[tuple[tuple[str, ...], int | None]],
                      k: int | None) -> str:
    """Bars of people per exact set of agencies (largest first) over a dot matrix that shows
    which agencies each bar is."""
    column, label_width, bar_height, dot_gap, top = 54, 90, 170, 24, 22
    n = len(combos)
    width = label_width + max(n, 1) * column + 10
    height = top + bar_height + 16 + len(parties) * dot_gap + 8
    known = [c for _, c in combos if c is not None]
    axis_top = count_axis_top(known)
    base = top + bar_height
    body = [f'<line x1="{label_width - 4}" y1="{base}" x2="{width - 6}" y2="{base}" '
            'class="axis"/>']
    for tick in _ticks(axis_top)[1:]:
        y = base - bar_height * tick / axis_top
        body.append(f'<line x1="{label_width - 4}" y1="{y:.1f}" x2="{width - 6}" y2="{y:.1f}" '
                    'class="grid"/>')
        body.append(_text(label_width - 8, y + 4, _tick_label(tick), anchor="end", cls="tick"))
    dots_top = base + 16
    for p, name in enumerate(parties):
        y = dots_top + p * dot_gap + dot_gap / 2
        body.append(_text(label_width - 8, y + 4, name, anchor="end", cls="axis-name"))
        if p % 2 == 0:
            body.append(f'<rect x="{label_width - 4}" y="{y - dot_gap / 2:.1f}" '
                        f'width="{width - label_width - 2}" height="{dot_gap}" class="band"/>')
    for index, (members, count) in enumerate(combos):
        x = label_width + index * column + column / 2
        key = "+".join(members)
        title = (_("{agency} only: people") if len(members) == 1 else
                 _("{agencies}: people")).format(agency=members[0] if members else "",
                                                 agencies=" & ".join(members))
        if count is None:
            body.append(f'<rect x="{x - 16:.1f}" y="{base - 6}" width="32" height="6" '
                        'class="bar-suppressed"/>')
            y_label = base - 10
        else:
            h = bar_height * count / axis_top
            body.append(f'<rect x="{x - 16:.1f}" y="{base - h:.1f}" width="32" '
                        f'height="{max(h, 0.5):.1f}" class="bar"><title>{escape(title)}: '
                        f"{number(count)}</title></rect>")
            y_label = base - h - 5
        body.append(_text(x, y_label, count_text(count, k), cls="bar-label",
                          field=f"combination/{key}", title=title))
        rows = [parties.index(m) for m in members if m in parties]
        ys = [dots_top + r * dot_gap + dot_gap / 2 for r in rows]
        if len(ys) > 1:
            body.append(f'<line x1="{x:.1f}" y1="{min(ys):.1f}" x2="{x:.1f}" y2="{max(ys):.1f}" '
                        'class="connector"/>')
        for p in range(len(parties)):
            y = dots_top + p * dot_gap + dot_gap / 2
            cls = "dot-on" if p in rows else "dot-off"
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" class="{cls}"/>')
    return _svg(width, height, body, _("people per combination of agencies"))


# -- horizontal bars ---------------------------------------------------------------------------

def bar_rows(rows: Sequence[tuple[str, int | None, str | None]], k: int | None, *,
             label: str, total: Sequence[int | None] | None = None) -> str:
    """One horizontal bar per (name, count, data-field); with `total`, a pale bar behind each
    (e.g. the list size) and the share printed."""
    label_width, bar_width, row_height = 90, 360, 28
    width, height = label_width + bar_width + 150, row_height * len(rows) + 8
    known = [c for _, c, _ in rows if c is not None]
    if total:
        known += [t for t in total if t is not None]
    top = count_axis_top(known)
    body = []
    for index, (name, count, field) in enumerate(rows):
        y = 4 + index * row_height
        body.append(_text(label_width - 8, y + row_height / 2 + 4, name, anchor="end",
                          cls="axis-name"))
        behind = total[index] if total else None
        if behind:
            body.append(f'<rect x="{label_width}" y="{y + 5}" '
                        f'width="{bar_width * behind / top:.1f}" height="{row_height - 10}" '
                        'class="bar-total"/>')
        length = 0.0 if count is None else bar_width * count / top
        cls = "bar-suppressed" if count is None else "bar"
        body.append(f'<rect x="{label_width}" y="{y + 5}" width="{max(length, 1.5):.1f}" '
                    f'height="{row_height - 10}" class="{cls}"/>')
        share = ""
        if behind and count is not None:
            share = f" ({decimal(100 * count / behind, 1)}%)"
        body.append(_text(label_width + max(length, 1.5) + 6, y + row_height / 2 + 4,
                          count_text(count, k), anchor="start", cls="bar-label", field=field))
        if share:
            body.append(_text(width - 6, y + row_height / 2 + 4, share.strip(), anchor="end",
                              cls="tick"))
    return _svg(width, height, body, label)


def match_weights(rows: Sequence[tuple[str, float]], *, label: str) -> str:
    """One bar per (level, weight in bits) from a zero line: right for evidence of a match,
    left (another colour) for evidence against (Splink's match-weights chart)."""
    label_width, half, row_height = 300, 170, 22
    width, height = label_width + 2 * half + 60, row_height * len(rows) + 24
    top = max([abs(w) for _, w in rows] + [1.0])
    zero = label_width + half
    body = [f'<line x1="{zero}" y1="2" x2="{zero}" y2="{height - 20}" class="grid"/>']
    for index, (name, weight) in enumerate(rows):
        y = 4 + index * row_height
        body.append(_text(label_width - 8, y + row_height / 2 + 4, name, anchor="end",
                          cls="axis-name"))
        length = half * abs(weight) / top
        x = zero if weight >= 0 else zero - length
        cls = "bar" if weight >= 0 else "bar-against"
        body.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{max(length, 1.0):.1f}" '
                    f'height="{row_height - 8}" class="{cls}"><title>{escape(name)}: '
                    f"{escape(decimal(weight, 2))}</title></rect>")
        end = zero + length + 6 if weight >= 0 else zero - length - 6
        body.append(_text(end, y + row_height / 2 + 4, decimal(weight, 1),
                          anchor="start" if weight >= 0 else "end", cls="bar-label"))
    body.append(_text(zero, height - 6, _("match weight (bits): against ← 0 → for a match"),
                      cls="axis-title"))
    return _svg(width, height, body, label)


# -- lines over thresholds ---------------------------------------------------------------------

def threshold_lines(thresholds: Sequence[float], series: Sequence[tuple[str, list[int | None]]],
                    markers: Sequence[tuple[float, str]], *, label: str) -> str:
    """Counts (y) against threshold (x), one line per series; suppressed points break the line;
    vertical markers at the run's thresholds."""
    left, right, top, bottom, plot_w, plot_h = 64, 150, 14, 34, 420, 200
    width, height = left + plot_w + right, top + plot_h + bottom
    lo, hi = min(thresholds), max(thresholds)
    span = (hi - lo) or 1.0
    values = [v for _, points in series for v in points if v is not None]
    y_top = count_axis_top(values)

    def x_of(t: float) -> float:
        return left + plot_w * (t - lo) / span

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / y_top

    def at(threshold: float, count: int) -> str:
        return _("at {threshold}: {count}").format(threshold=decimal(threshold),
                                                   count=number(count))

    body = []
    for tick in _ticks(y_top):
        y = y_of(tick)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                    'class="grid"/>')
        body.append(_text(left - 6, y + 4, _tick_label(tick), anchor="end", cls="tick"))
    for t in thresholds:
        body.append(_text(x_of(t), top + plot_h + 16, decimal(t), cls="tick"))
    body.append(_text(left + plot_w / 2, top + plot_h + 31, _("threshold (Dice similarity)"),
                      cls="axis-title"))
    for value, name in markers:
        if lo <= value <= hi:
            x = x_of(value)
            body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" '
                        'class="marker"/>')
            body.append(_text(x + 3, top + 10, name, anchor="start", cls="marker-label"))
    for index, (name, points) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        path, pen_down = [], False
        for t, v in zip(thresholds, points, strict=True):
            if v is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x_of(t):.1f},{y_of(v):.1f}")
            pen_down = True
        if path:
            body.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" '
                        'stroke-width="2"/>')
        for t, v in zip(thresholds, points, strict=True):
            if v is not None:
                body.append(f'<circle cx="{x_of(t):.1f}" cy="{y_of(v):.1f}" r="3" '
                            f'fill="{colour}"><title>{escape(name)} {escape(at(t, v))}'
                            "</title></circle>")
        y = top + 8 + index * 18
        body.append(f'<rect x="{left + plot_w + 14}" y="{y - 8}" width="12" height="12" '
                    f'fill="{colour}"/>')
        body.append(_text(left + plot_w + 32, y + 2, name, anchor="start", cls="legend"))
    return _svg(width, height, body, label)


# -- histogram ---------------------------------------------------------------------------------

def histogram(counts: Sequence[int | None], bin_width: float, floor: float,
              markers: Sequence[tuple[float, str]], k: int | None, *, label: str,
              valley: float | None = None) -> str:
    """Bars per similarity bin from `floor` to 1.0 (linear counts); suppressed bins
    are drawn as a short grey stub; vertical markers at the thresholds and, in its own colour,
    at the valley (given in markers too)."""
    first = round(floor / bin_width)
    shown = list(counts[first:])
    left, top, bottom, plot_w, plot_h = 64, 14, 34, 560, 200
    width, height = left + plot_w + 16, top + plot_h + bottom
    lo, hi = first * bin_width, len(counts) * bin_width
    step = plot_w / max(len(shown), 1)
    y_top = count_axis_top(shown)

    def x_of(value: float) -> float:
        return left + plot_w * (value - lo) / ((hi - lo) or 1.0)

    body = []
    for tick in _ticks(y_top):
        y = top + plot_h - plot_h * tick / y_top
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                    'class="grid"/>')
        body.append(_text(left - 6, y + 4, _tick_label(tick), anchor="end", cls="tick"))
    for index, count in enumerate(shown):
        low = (first + index) * bin_width
        x = left + index * step
        title = _("similarity {low}–{high}: {count} records").format(
            low=decimal(low), high=decimal(low + bin_width), count=count_text(count, k))
        if count is None:
            body.append(f'<rect x="{x + 0.5:.1f}" y="{top + plot_h - 4}" '
                        f'width="{max(step - 1, 1):.1f}" height="4" class="bar-suppressed">'
                        f"<title>{escape(title)}</title></rect>")
            continue
        h = plot_h * count / y_top
        body.append(f'<rect x="{x + 0.5:.1f}" y="{top + plot_h - h:.1f}" '
                    f'width="{max(step - 1, 1):.1f}" height="{h:.1f}" class="bar">'
                    f"<title>{escape(title)}</title></rect>")
    tick = 0.1
    value = round(lo / tick) * tick
    while value <= hi + 1e-9:
        if value >= lo - 1e-9:
            body.append(_text(x_of(value), top + plot_h + 16, decimal(value, 1), cls="tick"))
        value += tick
    body.append(_text(left + plot_w / 2, top + plot_h + 31,
                      _("best similarity of each record to another agency's records"),
                      cls="axis-title"))
    for index, (value, name) in enumerate(markers):
        x = x_of(value)
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" '
                    f'class="marker{" marker-valley" if value == valley else ""}"/>')
        body.append(_text(x - 3, top + 10 + 13 * index, name, anchor="end",
                          cls="marker-label"))
    return _svg(width, height, body, label)
