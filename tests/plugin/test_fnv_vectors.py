"""The plugin's FNV-1a 64 against the published reference vectors (Landon Curt Noll's
test_fnv.c, draft-eastlake-fnv "FNV1a_64"): the same table tests/unit/model_test.cc holds the
C++ fnv1a64 to, so the binary and the plugin cannot drift apart and still both pass. The plugin
uses the hash to give a file the plan does not know to exactly one shard."""

import pytest

import shardplan_pytest

VECTORS = [
    ("", 0xCBF29CE484222325),
    ("a", 0xAF63DC4C8601EC8C),
    ("b", 0xAF63DF4C8601F1A5),
    ("c", 0xAF63DE4C8601EFF2),
    ("d", 0xAF63D94C8601E773),
    ("e", 0xAF63D84C8601E5C0),
    ("f", 0xAF63DB4C8601EAD9),
    ("fo", 0x08985907B541D342),
    ("foo", 0xDCB27518FED9D577),
    ("foob", 0xDD120E790C2512AF),
    ("fooba", 0xCAC165AFA2FEF40A),
    ("foobar", 0x85944171F73967E8),
]


@pytest.mark.parametrize("text, expected", VECTORS, ids=[repr(text) for text, _ in VECTORS])
def test_fnv1a64_matches_the_reference_vectors(text, expected):
    assert shardplan_pytest.fnv1a64(text) == expected


# The same rows as model_test.cc's shard_for_unknown_file: fnv1a64(path) mod N + 1.
@pytest.mark.parametrize("path, shards, shard", [
    ("tests/test_new.py", 4, 4),
    ("tests/test_new.py", 7, 5),
    ("tests/sub/test_util.py", 7, 1),
    ("a.py", 1, 1),
])
def test_unknown_file_shard_matches_the_binary(path, shards, shard):
    assert shardplan_pytest.hash_shard(path, shards) == shard
