import pytest

from toylib import dp
from toylib.rng import Lcg


@pytest.mark.parametrize("seed", range(10))
def test_knapsack_matches_brute_force(seed):
    rng = Lcg(seed)
    weights = [1 + rng.below(30) for _ in range(15)]
    values = [1 + rng.below(100) for _ in range(15)]
    capacity = sum(weights) // 2
    assert dp.knapsack(weights, values, capacity) == dp.knapsack_brute(weights, values, capacity)


class TestCoins:
    @pytest.mark.parametrize("amount, ways", [(0, 1), (5, 2), (10, 4), (100, 242)])
    def test_us_coins(self, amount, ways):
        assert dp.coin_change_ways([1, 5, 10, 25], amount) == ways

    @pytest.mark.parametrize("amount", [3, 11, 97, 1999])
    def test_min_coins_greedy_agrees_for_canonical_system(self, amount):
        coins = [1, 2, 5, 10, 20, 50, 100, 200]
        greedy, left = 0, amount
        for c in reversed(coins):
            greedy += left // c
            left %= c
        assert dp.min_coins(coins, amount) == greedy
