import pytest

from toylib import text
from toylib.rng import Lcg


@pytest.mark.parametrize("s", ["", "a", "aaaa", "abc", "aaabccddddd"])
def test_round_trip_small(s):
    assert text.rle_decode(text.rle_encode(s)) == s


@pytest.mark.parametrize("seed", range(5))
def test_round_trip_random(seed):
    rng = Lcg(seed)
    s = "".join("ab"[rng.below(2)] * (1 + rng.below(20)) for _ in range(20000))
    assert text.rle_decode(text.rle_encode(s)) == s


@pytest.mark.parametrize("shift", [0, 1, 13, 25])
def test_caesar_inverts(shift):
    s = "The Quick Brown Fox Jumps Over The Lazy Dog! " * 200
    assert text.caesar(text.caesar(s, shift), 26 - shift) == s
