import pytest

from toylib import matrix
from toylib.rng import Lcg


def random_matrix(rng, n):
    return [[rng.below(11) - 5 for _ in range(n)] for _ in range(n)]


@pytest.mark.parametrize("n", [2, 6, 12, 18, 24])
def test_det_is_multiplicative(n):
    rng = Lcg(n)
    a, b = random_matrix(rng, n), random_matrix(rng, n)
    assert matrix.determinant(matrix.matmul(a, b)) == matrix.determinant(a) * matrix.determinant(b)


def test_singular_matrix():
    assert matrix.determinant([[1, 2, 3], [2, 4, 6], [0, 1, 1]]) == 0


def test_vandermonde():
    xs = [1, 2, 3, 5, 8, 13]
    v = [[x ** k for k in range(len(xs))] for x in xs]
    expected = 1
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            expected *= xs[j] - xs[i]
    assert matrix.determinant(v) == expected
