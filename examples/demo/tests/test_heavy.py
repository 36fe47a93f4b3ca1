"""The heaviest file of the demo: many small-to-medium tests with awkward node ids.

It holds about a third of the suite's run time, so a good plan splits it across shards at
test level. Its parameter ids deliberately contain spaces, '::', brackets and non-ASCII text,
and one test function has a non-ASCII name, so node ids such as
`tests/test_heavy.py::TestLabelledPrimes::test_window[x::y-3]` reach the plan and the plugin.
"""

import hashlib

import pytest

from toylib import dp, hashing, matrix, primes, sorting, text
from toylib.rng import Lcg

LABELS = ["a b", "x::y", "ünï", "[br]"]


def label_seed(label):
    return hashing.fnv1a64(label.encode("utf-8")) % 1000


class TestLabelledPrimes:
    @pytest.mark.parametrize("width", range(1, 9))
    @pytest.mark.parametrize("label", LABELS, ids=LABELS)
    def test_window(self, label, width):
        start = 10 ** 6 + label_seed(label) * 1000 + width * 5000
        window = range(start, start + 5000)
        fast = [n for n in window if primes.is_prime(n)]
        slow = [n for n in window if primes.is_prime_trial(n)]
        assert fast == slow


@pytest.mark.parametrize("algorithm", ["merge", "quick", "heap"])
class TestSortGrid:
    @pytest.mark.parametrize("size", [1500, 4000, 8000])
    @pytest.mark.parametrize("seed", range(4))
    def test_sorts(self, algorithm, size, seed):
        data = Lcg(seed * 7919 + size).ints(size, 10 ** 6)
        assert sorting.ALGORITHMS[algorithm](data) == sorted(data)


class TestHashChains:
    @pytest.mark.parametrize("rounds", [8000, 20000, 40000])
    @pytest.mark.parametrize("algorithm", ["sha256", "sha1", "md5", "blake2b"])
    @pytest.mark.parametrize("label", LABELS, ids=LABELS)
    def test_chain_length(self, label, algorithm, rounds):
        digest = hashing.hash_chain(label.encode("utf-8"), rounds, algorithm)
        assert len(digest) == 2 * hashlib.new(algorithm).digest_size


class TestOuter:
    class TestInner:
        @pytest.mark.parametrize("a, b", [
            pytest.param("kitten", "sitting", id="k::v[0]"),
            pytest.param("flaw", "lawn", id="k::v[1]"),
            pytest.param("a b", "a  b", id="space  inside"),
            pytest.param("ünï", "uni", id="ünï→uni"),
            pytest.param("[x]", "]x[", id="[x]"),
        ])
        @pytest.mark.parametrize("repeat", [20, 50, 80, 120])
        def test_edit_distance_scales(self, a, b, repeat):
            base = dp.edit_distance(a, b)
            assert dp.edit_distance(a * repeat, b * repeat) <= base * repeat


@pytest.mark.parametrize("exponent", [10, 1000, 10 ** 6, 10 ** 9, 10 ** 12, 10 ** 15])
@pytest.mark.parametrize("n", [3, 6, 9, 12, 15])
def test_matrix_power_mod(n, exponent):
    modulus = 1_000_003
    a = [[(i * 31 + j * 17) % 10 for j in range(n)] for i in range(n)]
    half = matrix.mat_pow(a, exponent // 2, modulus)
    square = matrix.matmul_mod(half, half, modulus)
    if exponent % 2:
        square = matrix.matmul_mod(square, a, modulus)
    assert matrix.mat_pow(a, exponent, modulus) == square


@pytest.mark.parametrize("word", ["straße", "grüße", "naïve café", "日本語テキスト", "x::y [z]"])
@pytest.mark.parametrize("copies", [200, 800])
def test_grüße_round_trip(word, copies):
    s = (word + " ") * copies
    assert text.rle_decode(text.rle_encode(s)) == s
    assert text.kmp_find_all(s, word)[:2] == [0, len(word) + 1]


class TestKnapsack:
    @pytest.mark.parametrize("capacity", [1000, 2500, 4000])
    @pytest.mark.parametrize("seed", range(8))
    def test_monotone_in_capacity(self, seed, capacity):
        rng = Lcg(seed)
        weights = [1 + rng.below(60) for _ in range(100)]
        values = [1 + rng.below(500) for _ in range(100)]
        assert dp.knapsack(weights, values, capacity) <= dp.knapsack(weights, values,
                                                                     capacity + 50)


@pytest.mark.parametrize("n", range(100, 1500, 70))
def test_partitions_grow(n):
    assert dp.partitions(n) > dp.partitions(n - 1)


class TestCoinSystems:
    @pytest.mark.parametrize("amount", [999, 4999])
    @pytest.mark.parametrize("coins", [
        pytest.param((1, 2, 5), id="(1, 2, 5)"),
        pytest.param((1, 3, 4), id="{1,3,4}"),
        pytest.param((1, 7, 10, 22), id="coins=[1 7 10 22]"),
        pytest.param((1, 5, 10, 25, 50), id="US::cents"),
    ])
    def test_min_coins_bounded_by_ways(self, coins, amount):
        assert dp.min_coins(coins, amount) <= amount
        assert dp.coin_change_ways(coins, amount) >= 1
