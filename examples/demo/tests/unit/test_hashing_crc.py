import zlib

import pytest

from toylib import hashing
from toylib.rng import Lcg


def payload(seed, size):
    return bytes(Lcg(seed).ints(size, 256))


@pytest.mark.parametrize("size", [0, 1, 100, 10000, 200000])
def test_crc32_matches_zlib(size):
    data = payload(size, size)
    assert hashing.crc32(data) == zlib.crc32(data)


@pytest.mark.parametrize("size", [0, 1, 100, 10000, 200000])
def test_adler32_matches_zlib(size):
    data = payload(size + 1, size)
    assert hashing.adler32(data) == zlib.adler32(data)
