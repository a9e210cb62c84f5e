"""The ranking's method: per-juror min-max normalisation, weighted criteria, a fixed tie-break."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from semaine.hackathons.ranking import CriterionSpec, Sheet, rank, sheet_total

CRITERIA = [CriterionSpec("impact", 3, 10), CriterionSpec("data", 2, 10),
            CriterionSpec("design", 1, 5)]


def _ids(ranked):
    return [r.submission for r in ranked]


def test_the_weighted_total_of_a_sheet():
    sheet = Sheet("J1", "a", {"impact": 10, "data": 5, "design": 0})
    assert sheet_total(sheet, CRITERIA) == Fraction(3 * 1 + 2 * Fraction(1, 2), 6)


def test_a_harsh_juror_counts_as_much_as_a_lenient_one():
    # J1 is lenient and prefers a by little; J2 is harsh and prefers b by much: they weigh alike,
    # so a and b tie on the normalised mean and the tie-break (firsts, then id) decides.
    sheets = [Sheet("J1", "a", {"impact": 10, "data": 10, "design": 5}),
              Sheet("J1", "b", {"impact": 9, "data": 10, "design": 5}),
              Sheet("J2", "a", {"impact": 0, "data": 0, "design": 0}),
              Sheet("J2", "b", {"impact": 3, "data": 2, "design": 1})]
    ranked = rank(sheets, CRITERIA)
    assert [r.score for r in ranked] == [Fraction(1, 2), Fraction(1, 2)]
    assert _ids(ranked) == ["a", "b"]  # one first place each: the identifier decides


def test_ties_are_broken_by_first_places_then_by_identifier():
    sheets = [Sheet("J1", "z", {"impact": 10}), Sheet("J1", "y", {"impact": 5}),
              Sheet("J1", "x", {"impact": 0}),
              Sheet("J2", "z", {"impact": 0}), Sheet("J2", "y", {"impact": 5}),
              Sheet("J2", "x", {"impact": 10})]
    ranked = rank(sheets, CRITERIA)
    # every project averages ½; x and z were each first once, y never: x, z, then y
    assert _ids(ranked) == ["x", "z", "y"]
    assert [r.rank for r in ranked] == [1, 2, 3]


def test_a_juror_with_one_sheet_gives_one_half():
    ranked = rank([Sheet("J1", "a", {"impact": 3})], CRITERIA)
    assert ranked[0].score == Fraction(1, 2)


JURORS = ["J1", "J2", "J3", "J4"]
PROJECTS = ["p1", "p2", "p3", "p4", "p5"]

score_values = st.fixed_dictionaries({"impact": st.integers(0, 10), "data": st.integers(0, 10),
                                      "design": st.integers(0, 5)})


@st.composite
def sheet_sets(draw):
    pairs = draw(st.lists(st.tuples(st.sampled_from(JURORS), st.sampled_from(PROJECTS)),
                          min_size=1, max_size=20, unique=True))
    return [Sheet(juror, project, draw(score_values)) for juror, project in pairs]


@settings(max_examples=200, deadline=None)
@given(sheets=sheet_sets(), data=st.data())
def test_the_ranking_does_not_depend_on_the_order_of_the_sheets(sheets, data):
    shuffled = data.draw(st.permutations(sheets))
    assert rank(shuffled, CRITERIA) == rank(sheets, CRITERIA)


@settings(max_examples=200, deadline=None)
@given(sheets=sheet_sets(), juror=st.sampled_from(JURORS), shift=st.integers(-20, 20))
def test_a_uniform_shift_of_one_jurors_scores_leaves_the_ranking_unchanged(sheets, juror, shift):
    # every score of one juror, on every criterion, moves by the same number of points
    moved = [Sheet(s.juror, s.submission, {k: v + shift for k, v in s.scores.items()})
             if s.juror == juror else s for s in sheets]
    assert _ids(rank(moved, CRITERIA)) == _ids(rank(sheets, CRITERIA))
    assert [r.score for r in rank(moved, CRITERIA)] == [r.score for r in rank(sheets, CRITERIA)]
