"""Uncertainty and sensitivity analysis: every proposal's score re-computed many times.

The rubric's ``uncertainty`` section says what may vary: the criteria's weights
(a Dirichlet around the rubric's, or each within a range), the points of the
levels between an indicator's best and worst (within a spread), and the
unknown indicators (each drawn evenly across its levels, or left out as the
report leaves them). One run draws all of that and scores every proposal as
``policycheck.scoring`` does: the weighted means, the range, the provisional
rule, the band of the score rounded to one decimal and the risk caps. The risks
themselves do not change: they come from known facts only.

The weights and points are the analyst's assumptions, so one draw of them holds
for every proposal of the batch (ranks compare proposals under the same
assumptions); each proposal's unknowns are its own, drawn from a stream seeded
by the seed and the file's content, so a proposal's figures do not depend on the
other files or on where the file lies.

Sensitivity: first-order and total Sobol indices of the score, by the
Saltelli (2010) and Jansen estimators SALib uses, on a pick-freeze design built
from the same draws: the first half of the runs is matrix A, the second B, and
for each uncertain input of a proposal the score is re-computed on A with that
input taken from B. An input is a group: a criterion's weight, the points of a
known indicator's level, or an unknown indicator (its level and its levels'
points). The runs cost ``draws + inputs * draws / 2`` score evaluations per
proposal, each a few array operations. ``tests/test_uncertainty.py`` checks
that SALib's own estimate orders the inputs the same way on a test case.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from policycheck.assessment import Assessment, IndicatorStatus, Report
from policycheck.errors import UsageError
from policycheck.robustness import ROBUST_SHARE, Driver, ProposalUncertainty, Uncertainty, percent
from policycheck.rubric import GRADES, Rubric, UncertaintySpec

Floats = npt.NDArray[np.float64]

#: Drivers named in words: those whose total index is at least this share of the variance.
DRIVER_SHARE = 0.1
MAX_DRIVERS = 3


@dataclass(frozen=True, slots=True)
class Inputs:
    """The analyst's assumptions for every run: criterion weights and level points.

    ``weights`` is (runs, criteria) in the rubric's order; ``points`` is (runs, levels)
    with one column per (indicator, level) of the rubric, numbered by ``column``.
    """

    weights: Floats
    points: Floats
    column: dict[tuple[str, str], int]


@dataclass(frozen=True, slots=True)
class Model:
    """One proposal's scoring as arrays: its applicable indicators and criteria.

    ``values`` (runs, indicators) holds each applicable indicator's points in each run
    (0 for an unknown left out, which no criterion counts); ``weights`` (runs, criteria) the weights of the
    criteria that apply. The rest is fixed for the proposal.
    """

    #: (indicators, criteria): an indicator's weight in its criterion's column.
    membership: Floats
    known: npt.NDArray[np.bool_]
    #: Per criterion: the known and the applicable weight, and the unknowns' lowest and
    #: highest points times their weights.
    known_weight: Floats
    total_weight: Floats
    unknown_low: Floats
    unknown_high: Floats
    minimum_coverage: float
    #: Whether every applicable indicator is known (or resolved) in every run.
    complete: bool
    #: The grade bands A-D and the index (0 = A) of the most binding cap, -1 for none.
    bands: Floats
    cap: int


def attach(report: Report, rubric: Rubric, *, draws: int, seed: int) -> Report:
    """``report`` with its ``uncertainty`` worked out."""
    return dataclasses.replace(report, uncertainty=analyse(report, rubric, draws=draws, seed=seed))


def analyse(report: Report, rubric: Rubric, *, draws: int, seed: int) -> Uncertainty:
    """Re-compute every assessed proposal ``draws`` times under the rubric's declared
    uncertainty; each grade's share, the score's interval, ranks and drivers."""
    spec = rubric.uncertainty
    if spec is None:
        raise UsageError(
            f"rubric {rubric.id} declares no 'uncertainty' section, so nothing may vary:"
            " add one (see README, 'How sure is a grade')"
        )
    if draws < 100:
        raise UsageError("--draws must be at least 100")
    rng = np.random.default_rng(seed)
    inputs = draw_inputs(rubric, spec, draws, rng)
    assessed = report.assessments
    results: list[ProposalUncertainty] = []
    graded_all: list[npt.NDArray[np.float32]] = []
    for a in assessed:
        model, values, weights = proposal_arrays(a, rubric, spec, inputs, seed)
        graded = graded_score(model, values, weights)
        grades = grade_index(model, graded)
        drivers = sensitivity(a, model, values, weights, graded)
        results.append(_summary(a, graded, grades, drivers))
        # Kept for the ranks only: single precision halves a large batch's memory, and
        # scores a hundred-thousandth apart are told apart as before.
        graded_all.append(graded.astype(np.float32))
    if len(assessed) > 1:
        results = _with_ranks(results, np.stack(graded_all, axis=1))
    return Uncertainty(
        draws=draws,
        seed=seed,
        rationale=spec.rationale,
        varied=_varied(spec),
        proposals=tuple(results),
        robust_share=ROBUST_SHARE,
    )


def draw_inputs(
    rubric: Rubric, spec: UncertaintySpec, draws: int, rng: np.random.Generator
) -> Inputs:
    """The runs' criterion weights and level points, as the rubric declares they vary."""
    base = np.array([c.weight for c in rubric.criteria.values()], dtype=np.float64)
    variation = spec.weights
    if variation is None:
        weights = np.broadcast_to(base, (draws, base.size)).copy()
    elif variation.method == "dirichlet":
        # Gamma draws with shapes concentration * share are a Dirichlet once normalised;
        # the weighted means normalise them, over whichever criteria apply.
        alpha = (variation.concentration or 1.0) * base / base.sum()
        weights = rng.gamma(alpha, size=(draws, base.size))
    else:
        spread = variation.spread or 0.0
        weights = rng.uniform(base * (1 - spread), base * (1 + spread), size=(draws, base.size))
    column: dict[tuple[str, str], int] = {}
    low: list[float] = []
    high: list[float] = []
    spread = spec.points.spread if spec.points is not None else 0.0
    for criterion in rubric.criteria.values():
        for iid, indicator in criterion.indicators.items():
            all_points = [level.points for level in indicator.levels.values()]
            ends = (min(all_points), max(all_points))
            for name, level in indicator.levels.items():
                column[(iid, name)] = len(low)
                s = 0.0 if level.points in ends else spread
                low.append(level.points - s)
                high.append(level.points + s)
    points = rng.uniform(np.array(low), np.array(high), size=(draws, len(low)))
    # Column by column: each proposal takes the columns of its indicators' levels.
    return Inputs(weights, np.asfortranarray(points), column)


def proposal_arrays(
    a: Assessment, rubric: Rubric, spec: UncertaintySpec, inputs: Inputs, seed: int
) -> tuple[Model, Floats, Floats]:
    """The proposal's model and, for every run, its indicators' points and criteria's weights."""
    draws = inputs.weights.shape[0]
    criteria = [c for c in a.criteria if c.low is not None]
    order = list(rubric.criteria)
    applicable = [
        (n, ind)
        for n, c in enumerate(criteria)
        for ind in c.indicators
        if ind.status is not IndicatorStatus.NOT_APPLICABLE
    ]
    resolve = spec.unknowns == "levels"
    # The proposal's own stream for its unknowns: the seed and the file's content (its id
    # when assessed from memory, without a file's hash).
    content = a.file_sha256 or hashlib.sha256(a.proposal_id.encode()).hexdigest()
    own = np.random.default_rng([seed, int(content[:15], 16)])
    values = np.zeros((draws, len(applicable)), order="F")
    membership = np.zeros((len(applicable), len(criteria)))
    known = np.zeros(len(applicable), dtype=bool)
    known_weight = np.zeros(len(criteria))
    total_weight = np.zeros(len(criteria))
    unknown_low = np.zeros(len(criteria))
    unknown_high = np.zeros(len(criteria))
    for i, (n, ind) in enumerate(applicable):
        levels = rubric.criteria[ind.criterion].indicators[ind.check_id].levels
        columns = [inputs.column[(ind.check_id, name)] for name in levels]
        total_weight[n] += ind.weight
        if ind.status is IndicatorStatus.SCORED:
            values[:, i] = inputs.points[:, inputs.column[(ind.check_id, ind.level)]]
        elif resolve:
            pick = own.integers(0, len(columns), size=draws)
            values[:, i] = inputs.points[np.arange(draws), np.asarray(columns)[pick]]
        else:
            all_points = [level.points for level in levels.values()]
            unknown_low[n] += ind.weight * min(all_points)
            unknown_high[n] += ind.weight * max(all_points)
            continue
        known[i] = True
        known_weight[n] += ind.weight
        membership[i, n] = ind.weight
    weights = inputs.weights[:, [order.index(c.id) for c in criteria]]
    unwaived = [r for r in a.risks if not r.waived]
    limits = [GRADES.index(rubric.caps[r.severity]) for r in unwaived if r.severity in rubric.caps]
    model = Model(
        membership=membership,
        known=known,
        known_weight=known_weight,
        total_weight=total_weight,
        unknown_low=unknown_low,
        unknown_high=unknown_high,
        minimum_coverage=rubric.coverage.minimum,
        complete=bool(known.all()),
        bands=np.array([rubric.grades[g] for g in GRADES[:-1]], dtype=np.float64),
        cap=max(limits, default=-1),
    )
    return model, values, weights


def graded_score(model: Model, values: Floats, weights: Floats) -> Floats:
    """The score each run's grade is taken from, worked out as ``policycheck.scoring`` does.

    The score over what is known (kept within the range), or the middle of the rounded
    range when coverage is below the rubric's minimum.
    """
    if model.membership.shape[1] == 0:
        return np.zeros(values.shape[0])
    return graded_from_sums(model, values @ model.membership, weights)


def graded_from_sums(model: Model, sums: Floats, weights: Floats) -> Floats:
    """``graded_score`` from each criterion's weighted sum of known points (runs, criteria)."""
    weight = weights @ np.ones(weights.shape[1])
    inverse_total = 1.0 / model.total_weight
    if model.complete:
        # Everything applicable is known: no range to keep within, no provisional grade.
        return _rowdot(weights, sums * inverse_total) / weight
    scored = model.known_weight > 0
    per_known = np.divide(
        1.0, model.known_weight, out=np.zeros_like(model.known_weight), where=scored
    )
    scored_weight = weights @ scored.astype(np.float64)
    score = _rowdot(weights, sums * per_known) / np.where(scored_weight > 0, scored_weight, 1.0)
    known_part = _rowdot(weights, sums * inverse_total)
    low = (known_part + weights @ (model.unknown_low * inverse_total)) / weight
    high = (known_part + weights @ (model.unknown_high * inverse_total)) / weight
    score = np.minimum(np.maximum(score, low), high)
    coverage = (weights @ (model.known_weight * inverse_total)) / weight
    middle = (round_tenths(low) + round_tenths(high)) / 2
    graded: Floats = np.where(coverage < model.minimum_coverage, middle, score)
    return graded


def round_tenths(x: Floats) -> Floats:
    """``x`` rounded to one decimal exactly as Python's ``round(x, 1)`` rounds each: numpy's
    rounding scales by ten first, which moves a value within a hair of a half (41.85 is
    41.850000000000001...) onto the half; those few are rounded by Python."""
    tenfold = x * 10
    out: Floats = np.round(tenfold) / 10
    near = np.abs(tenfold - np.floor(tenfold) - 0.5) < 1e-6
    if near.any():
        out[near] = [round(float(v), 1) for v in x[near]]
    return out


def _rowdot(a: Floats, b: Floats) -> Floats:
    """Each row's dot product."""
    out: Floats = np.einsum("ij,ij->i", a, b)
    return out


def grade_index(model: Model, graded: Floats) -> npt.NDArray[np.int64]:
    """Each run's grade as an index into A-F: the band of the score rounded to one decimal,
    lowered to the most binding cap."""
    rounded = round_tenths(graded)
    band = (rounded[:, None] < model.bands[None, :]).sum(axis=1)
    capped: npt.NDArray[np.int64] = np.maximum(band, model.cap).astype(np.int64)
    return capped


def sensitivity(
    a: Assessment,
    model: Model,
    values: Floats,
    weights: Floats,
    graded: Floats,
) -> tuple[Driver, ...]:
    """First-order and total Sobol indices of the score for each input that varies.

    Pick-freeze on the runs themselves: A is the first half, B the second; for input
    ``g``, ``AB_g`` is A with ``g`` taken from B. Saltelli (2010) first order
    ``mean(f(B) (f(AB_g) - f(A))) / V`` and Jansen total ``mean((f(A) - f(AB_g))^2) / 2V``,
    with V the variance of f over A and B, as SALib computes them (f centred first).
    """
    half = values.shape[0] // 2
    if half < 2:
        return ()
    # Centred on the mean: the same expectations, much less sampling noise.
    centre = float(np.mean(graded[: 2 * half]))
    f_a, f_b = graded[:half] - centre, graded[half : 2 * half] - centre
    variance = float(np.var(np.concatenate([f_a, f_b])))
    if variance <= 1e-12:
        return ()
    criteria = [c for c in a.criteria if c.low is not None]
    applicable = [
        ind
        for c in criteria
        for ind in c.indicators
        if ind.status is not IndicatorStatus.NOT_APPLICABLE
    ]
    groups: list[tuple[str, str, str, int]] = []
    for n, c in enumerate(criteria):
        if np.ptp(weights[:, n]) > 0:
            groups.append(("weight", c.id, f"the weight of {_lower(c.title)}", n))
    for i, ind in enumerate(applicable):
        if not model.known[i] or np.ptp(values[:, i]) == 0:
            continue
        if ind.status is IndicatorStatus.SCORED:
            groups.append(
                (
                    "points",
                    ind.check_id,
                    f"the points {ind.check_id} ({_lower(ind.title)}) earns as {ind.level}",
                    i,
                )
            )
        else:
            groups.append(
                ("unknown", ind.check_id, f"whether {ind.check_id} ({_lower(ind.title)}) is met", i)
            )
    # Swapping one input changes one column of the weights, or one indicator's points in
    # its criterion's sum: each AB_g is A's sums or weights with that change.
    sums = values[: 2 * half] @ model.membership
    sums_a, weights_a = sums[:half], weights[:half]
    drivers: list[Driver] = []
    for kind, subject, words, col in groups:
        if kind == "weight":
            w = weights_a.copy()
            w[:, col] = weights[half : 2 * half, col]
            f_ab = graded_from_sums(model, sums_a, w) - centre
        else:
            delta = values[half : 2 * half, col] - values[:half, col]
            swapped = sums_a + delta[:, None] * model.membership[col]
            f_ab = graded_from_sums(model, swapped, weights_a) - centre
        first = float(np.mean(f_b * (f_ab - f_a)) / variance)
        total = float(0.5 * np.mean((f_a - f_ab) ** 2) / variance)
        drivers.append(Driver(kind, subject, words, _unit(first), _unit(total)))
    drivers.sort(key=lambda d: (-d.total, -d.first_order, d.kind, d.subject))
    return tuple(drivers)


def _unit(value: float) -> float:
    """An index estimate kept within 0-1 (sampling noise can take it just outside), 3 decimals."""
    return round(min(max(value, 0.0), 1.0), 3)


def _lower(title: str) -> str:
    """A title inside a sentence: "Regional inclusiveness" → "regional inclusiveness" (an
    acronym, "SRAC notification", stays as it is)."""
    if title[1:2].isupper():
        return title
    return title[:1].lower() + title[1:]


def _summary(
    a: Assessment, graded: Floats, grades: npt.NDArray[np.int64], drivers: tuple[Driver, ...]
) -> ProposalUncertainty:
    counts = np.bincount(grades, minlength=len(GRADES))
    shares = tuple((g, round(float(counts[n]) / grades.size, 4)) for n, g in enumerate(GRADES))
    modal = GRADES[int(np.argmax(counts))]
    robust = float(counts.max()) / grades.size >= ROBUST_SHARE
    low, median, high = (round(float(x), 1) for x in np.percentile(graded, [5, 50, 95]))
    return ProposalUncertainty(
        file=a.file,
        proposal_id=a.proposal_id,
        grade=a.grade,
        score=a.score,
        probabilities=shares,
        modal_grade=modal,
        robust=robust,
        score_low=low,
        score_median=median,
        score_high=high,
        drivers=drivers,
        words=verdict_words(a.grade, shares, modal, robust, drivers),
    )


def verdict_words(
    grade: str,
    shares: Sequence[tuple[str, float]],
    modal: str,
    robust: bool,
    drivers: Sequence[Driver],
) -> str:
    """The verdict in words: how sure the grade is, and what it turns on."""
    share = dict(shares)
    if share.get(grade, 0.0) == 1.0 and not drivers:
        return f"Grade {grade} holds in every run: nothing the rubric lets vary moves the score."
    others = ", ".join(f"{g} {percent(s)}" for g, s in shares if s > 0 and g != grade)
    held = f"Grade {grade} holds in {percent(share.get(grade, 0.0))} of runs"
    if robust and modal == grade:
        head = f"{held}: robust." if not others else f"{held} ({others}): robust."
    elif robust:
        head = f"{held}; grade {modal} holds in {percent(share[modal])}: robust at {modal}, not {grade}."
    else:
        head = f"{held} ({others}): not robust."
    if not drivers:
        return head
    named = [d for d in drivers if d.total >= DRIVER_SHARE][:MAX_DRIVERS]
    if not named:
        largest = _join([d.words for d in drivers[:MAX_DRIVERS]], "")
        return (
            f"{head} No single input explains a tenth of the score's variance; the largest:"
            f" {largest}."
        )
    verb = "The score moves most with" if robust else "The grade turns on"
    return f"{head} {verb} {_join([d.words for d in named])}."


def _join(items: list[str], on: str = "on ") -> str:
    """ "a", "a and on b", "a, on b and on c" (``on`` repeated before each but the first)."""
    if len(items) == 1:
        return items[0]
    return f", {on}".join(items[:-1]) + f" and {on}" + items[-1]


def _with_ranks(results: list[ProposalUncertainty], graded: Floats) -> list[ProposalUncertainty]:
    """Each proposal's median rank and 5-95 % rank interval over the runs (1 = the highest
    score; proposals with the same score share the better rank)."""
    runs, count = graded.shape
    # A few thousand runs at a time: a large batch's rank matrices never all exist at once.
    step = max(1, 4_000_000 // (count * count)) if count <= 64 else max(1, 2_000_000 // count)
    ranks = np.empty((runs, count), dtype=np.int32)
    for start in range(0, runs, step):
        part = graded[start : start + step]
        ranks[start : start + step] = (
            1 + (part[:, None, :] > part[:, :, None]).sum(axis=2) if count <= 64 else _ranks(part)
        )
    out = []
    for n, r in enumerate(results):
        low, median, high = (
            int(x) for x in np.percentile(ranks[:, n], [5, 50, 95], method="inverted_cdf")
        )
        out.append(dataclasses.replace(r, rank_median=median, rank_low=low, rank_high=high))
    return out


def _ranks(graded: Floats) -> npt.NDArray[np.int64]:
    """Competition ranks by row (1 = highest; ties share the better rank), by sorting."""
    runs, count = graded.shape
    order = np.argsort(-graded, axis=1, kind="stable")
    ordered = np.take_along_axis(-graded, order, axis=1)
    position = np.arange(count)[None, :].repeat(runs, axis=0)
    new = np.ones_like(ordered, dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(new, position, 0), axis=1)
    ranks = np.empty((runs, count), dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    return ranks


def _varied(spec: UncertaintySpec) -> tuple[str, ...]:
    """What the runs vary, in words."""
    out = []
    w = spec.weights
    if w is not None and w.method == "dirichlet":
        out.append(
            f"criterion weights: Dirichlet around the rubric's, concentration {w.concentration:g}"
        )
    elif w is not None:
        out.append(f"criterion weights: each within ±{(w.spread or 0) * 100:g} % of the rubric's")
    if spec.points is not None and spec.points.spread:
        out.append(
            f"level points: within ±{spec.points.spread:g} of the rubric's (best and worst fixed)"
        )
    out.append(
        "unknown indicators: each drawn evenly across its levels"
        if spec.unknowns == "levels"
        else "unknown indicators: left out of the score, as in the report"
    )
    return tuple(out)
