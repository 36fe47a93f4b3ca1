"""Dense matrices as lists of lists; exact arithmetic with ints and Fractions."""

from fractions import Fraction


def identity(n):
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]


def transpose(a):
    return [list(row) for row in zip(*a)]


def matmul(a, b):
    bt = transpose(b)
    return [[sum(x * y for x, y in zip(row, col)) for col in bt] for row in a]


def matmul_mod(a, b, modulus):
    return [[v % modulus for v in row] for row in matmul(a, b)]


def mat_pow(a, exponent, modulus):
    """a ** exponent with every entry reduced modulo `modulus`."""
    result = identity(len(a))
    base = [[v % modulus for v in row] for row in a]
    while exponent:
        if exponent & 1:
            result = matmul_mod(result, base, modulus)
        base = matmul_mod(base, base, modulus)
        exponent >>= 1
    return result


def determinant(a):
    """Exact determinant by Gaussian elimination over Fractions."""
    m = [[Fraction(v) for v in row] for row in a]
    n = len(m)
    det = Fraction(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != col:
            m[col], m[pivot] = m[pivot], m[col]
            det = -det
        det *= m[col][col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            if factor:
                for c in range(col, n):
                    m[r][c] -= factor * m[col][c]
    return det


def fibonacci_mod(index, modulus):
    """F(index) mod modulus via the 2x2 matrix power."""
    return mat_pow([[1, 1], [1, 0]], index, modulus)[0][1]
