import pytest

from toylib import dp
from toylib.rng import Lcg


def word(rng, n):
    return "".join("acgt"[rng.below(4)] for _ in range(n))


@pytest.mark.parametrize("a, b, d", [("", "", 0), ("abc", "", 3), ("flaw", "lawn", 2),
                                     ("intention", "execution", 5)])
def test_edit_distance_known(a, b, d):
    assert dp.edit_distance(a, b) == d


@pytest.mark.parametrize("n", [300, 600, 900])
def test_edit_distance_bounds(n):
    rng = Lcg(n)
    a, b = word(rng, n), word(rng, n)
    d = dp.edit_distance(a, b)
    assert n - dp.lcs_length(a, b) <= d <= n
    assert d == dp.edit_distance(b, a)


@pytest.mark.parametrize("n", [450, 900])
def test_lcs_symmetric(n):
    rng = Lcg(n + 1)
    a, b = word(rng, n), word(rng, n + 17)
    assert dp.lcs_length(a, b) == dp.lcs_length(b, a)
