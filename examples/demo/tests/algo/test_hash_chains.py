import hashlib

import pytest

from toylib import hashing


@pytest.mark.parametrize("algorithm", ["sha256", "sha1", "md5", "blake2b"])
def test_chain_is_deterministic(algorithm):
    a = hashing.hash_chain(b"shardplan", 120000, algorithm)
    b = hashing.hash_chain(b"shardplan", 120000, algorithm)
    assert a == b and len(a) == 2 * hashlib.new(algorithm).digest_size


def test_chain_of_zero_rounds_is_the_seed():
    assert hashing.hash_chain(b"\x01\x02", 0) == "0102"


def test_fnv_over_chain_outputs_is_unique():
    outputs = {hashing.fnv1a64(hashing.hash_chain(str(i).encode(), 50).encode())
               for i in range(2000)}
    assert len(outputs) == 2000
