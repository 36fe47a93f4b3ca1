import pytest

from toylib import matrix
from toylib.rng import Lcg


def random_matrix(rng, n):
    return [[rng.below(19) - 9 for _ in range(n)] for _ in range(n)]


@pytest.mark.parametrize("n", [1, 5, 20, 40])
def test_identity_is_neutral(n):
    a = random_matrix(Lcg(n), n)
    assert matrix.matmul(a, matrix.identity(n)) == a
    assert matrix.matmul(matrix.identity(n), a) == a


@pytest.mark.parametrize("n", [20, 45, 70])
def test_multiplication_is_associative(n):
    rng = Lcg(100 + n)
    a, b, c = (random_matrix(rng, n) for _ in range(3))
    assert matrix.matmul(matrix.matmul(a, b), c) == matrix.matmul(a, matrix.matmul(b, c))


def test_transpose_of_product():
    rng = Lcg(3)
    a, b = random_matrix(rng, 25), random_matrix(rng, 25)
    assert matrix.transpose(matrix.matmul(a, b)) == matrix.matmul(matrix.transpose(b),
                                                                  matrix.transpose(a))
