import pytest

from toylib import text
from toylib.rng import Lcg


def naive_find_all(haystack, needle):
    return [i for i in range(len(haystack) - len(needle) + 1)
            if haystack[i:i + len(needle)] == needle]


@pytest.mark.parametrize("needle", ["a", "ab", "aba", "abab", "bbb"])
def test_kmp_matches_naive(needle):
    rng = Lcg(len(needle))
    haystack = "".join("ab"[rng.below(2)] for _ in range(100000))
    assert text.kmp_find_all(haystack, needle) == naive_find_all(haystack, needle)


@pytest.mark.parametrize("s, expected", [("babad", "bab"), ("cbbd", "bb"), ("x", "x"),
                                         ("forgeeksskeegfor", "geeksskeeg")])
def test_longest_palindrome(s, expected):
    assert text.longest_palindrome(s) == expected


def test_word_frequencies():
    counts = text.word_frequencies("The cat and the hat. THE END!")
    assert counts["the"] == 3 and counts["end"] == 1
