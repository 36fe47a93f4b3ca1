"""Fast sanity checks that every toylib module imports and answers a trivial question."""

from toylib import dp, graphs, hashing, matrix, primes, sorting, text


def test_primes_small():
    assert primes.sieve(30) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]


def test_sorting_small():
    assert sorting.merge_sort([3, 1, 2]) == [1, 2, 3]


def test_matrix_small():
    assert matrix.matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]


def test_hashing_small():
    assert hashing.fnv1a64(b"") == 0xCBF29CE484222325


def test_dp_small():
    assert dp.edit_distance("kitten", "sitting") == 3


def test_graphs_small():
    assert graphs.topological_sort([1, 2, 3], [(1, 2), (2, 3)]) == [1, 2, 3]


def test_text_small():
    assert text.rle_encode("aaabcc") == "3a1b2c"
