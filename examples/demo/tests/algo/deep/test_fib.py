import pytest

from toylib import matrix


def fib_naive(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


@pytest.mark.parametrize("n", [0, 1, 2, 10, 90, 500, 5000, 20000])
def test_matrix_matches_iteration(n):
    modulus = 2 ** 61 - 1
    assert matrix.fibonacci_mod(n, modulus) == fib_naive(n) % modulus


def test_pisano_period_of_ten():
    seq = [matrix.fibonacci_mod(n, 10) for n in range(180)]
    assert seq[:60] == seq[60:120] == seq[120:]
