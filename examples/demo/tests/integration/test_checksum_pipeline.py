import zlib

import pytest

from toylib import hashing, matrix


@pytest.mark.parametrize("n", [20, 35, 50])
def test_matrix_bytes_checksum(n):
    a = [[(i * j) % 251 for j in range(n)] for i in range(n)]
    product = matrix.matmul(a, a)
    blob = b"".join(v.to_bytes(4, "little") for row in product for v in row)
    assert hashing.crc32(blob) == zlib.crc32(blob)
    assert hashing.adler32(blob) == zlib.adler32(blob)
