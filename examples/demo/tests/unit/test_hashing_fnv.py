import pytest

from toylib import hashing


@pytest.mark.parametrize("text, expected", [
    ("", 0xCBF29CE484222325),
    ("a", 0xAF63DC4C8601EC8C),
    ("foobar", 0x85944171F73967E8),
])
def test_reference_vectors(text, expected):
    assert hashing.fnv1a64(text.encode()) == expected


def test_few_collisions_on_test_paths():
    paths = [f"tests/pkg{i // 100}/test_mod{i}.py".encode() for i in range(60000)]
    assert len({hashing.fnv1a64(p) for p in paths}) == len(paths)


@pytest.mark.parametrize("shards", [2, 3, 4, 8])
def test_bucket_spread_is_even(shards):
    counts = [0] * shards
    for i in range(20000):
        counts[hashing.fnv1a64(f"tests/test_{i}.py".encode()) % shards] += 1
    assert max(counts) - min(counts) < 20000 // shards // 5
