import pytest

from toylib import dp
from toylib.rng import Lcg


@pytest.mark.parametrize("seed", range(8))
def test_triangle_inequality(seed):
    rng = Lcg(seed)
    a, b, c = ("".join("ab"[rng.below(2)] for _ in range(300)) for _ in range(3))
    assert dp.edit_distance(a, c) <= dp.edit_distance(a, b) + dp.edit_distance(b, c)


@pytest.mark.parametrize("amount", [50, 500, 2000])
def test_min_coins_never_exceeds_amount(amount):
    assert 0 < dp.min_coins([1, 3, 4, 7], amount) <= amount
