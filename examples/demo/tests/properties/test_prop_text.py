import pytest

from toylib import text
from toylib.rng import Lcg


@pytest.mark.parametrize("seed", range(10))
def test_rle_never_loses_characters(seed):
    rng = Lcg(seed)
    s = "".join("xyz"[rng.below(3)] for _ in range(60000))
    encoded = text.rle_encode(s)
    assert text.rle_decode(encoded) == s


@pytest.mark.parametrize("seed", range(5))
def test_every_kmp_hit_is_a_match(seed):
    rng = Lcg(seed)
    haystack = "".join("ab"[rng.below(2)] for _ in range(60000))
    needle = haystack[100:106]
    hits = text.kmp_find_all(haystack, needle)
    assert 100 in hits
    assert all(haystack[h:h + 6] == needle for h in hits)
