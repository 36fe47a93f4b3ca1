import pytest

from toylib import matrix
from toylib.rng import Lcg


@pytest.mark.parametrize("n", [60, 100, 140])
def test_square_of_permutation_matrix(n):
    perm = Lcg(n).shuffle(list(range(n)))
    p = [[1 if perm[i] == j else 0 for j in range(n)] for i in range(n)]
    p2 = matrix.matmul(p, p)
    assert all(p2[i][perm[perm[i]]] == 1 for i in range(n))
    assert sum(map(sum, p2)) == n


@pytest.mark.parametrize("index", [10, 100, 1000, 10 ** 6, 10 ** 12])
def test_fibonacci_mod(index):
    modulus = 10 ** 9 + 7
    if index <= 1000:
        a, b = 0, 1
        for _ in range(index):
            a, b = b, (a + b) % modulus
        assert matrix.fibonacci_mod(index, modulus) == a
    else:
        # Doubling identity F(2k) = F(k) * (2F(k+1) - F(k)).
        k = index // 2
        fk, fk1 = matrix.fibonacci_mod(k, modulus), matrix.fibonacci_mod(k + 1, modulus)
        expected = fk * (2 * fk1 - fk) % modulus if index % 2 == 0 else (fk * fk + fk1 * fk1) % modulus
        assert matrix.fibonacci_mod(index, modulus) == expected
