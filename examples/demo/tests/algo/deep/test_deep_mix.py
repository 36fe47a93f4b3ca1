"""A file two package levels down, to exercise nested node ids."""

import pytest

from toylib import dp, primes, text


class TestMixed:
    @pytest.mark.parametrize("n", [10000, 30000, 90000])
    def test_prime_gaps_are_even(self, n):
        ps = primes.sieve(n * 10)[1:]
        assert all((b - a) % 2 == 0 for a, b in zip(ps, ps[1:]))

    def test_palindromic_primes(self):
        pal = [p for p in primes.sieve(200000) if str(p) == str(p)[::-1]]
        assert len(pal) == 113

    @pytest.mark.parametrize("word", ["level", "rotor", "shardplan"])
    def test_edit_distance_to_reverse(self, word):
        assert (dp.edit_distance(word, word[::-1]) == 0) == (text.longest_palindrome(word) == word)
