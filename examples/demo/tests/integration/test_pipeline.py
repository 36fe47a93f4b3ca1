"""End-to-end style checks that chain several toylib modules."""

from toylib import hashing, primes, sorting, text
from toylib.rng import Lcg


class TestPipeline:
    def test_sort_then_checksum(self):
        data = Lcg(1).ints(60000, 1 << 16)
        blob = b"".join(v.to_bytes(2, "big") for v in sorting.merge_sort(data))
        assert hashing.crc32(blob) == hashing.crc32(b"".join(
            v.to_bytes(2, "big") for v in sorted(data)))

    def test_primes_as_text(self):
        # RLE uses digits for run lengths, so spell the digits as letters first.
        letters = "".join(str(p) for p in primes.sieve(60000)).translate(
            str.maketrans("0123456789", "abcdefghij"))
        encoded = text.rle_encode(letters)
        assert text.rle_decode(encoded) == letters

    def test_word_counts_of_generated_text(self):
        words = ["alpha", "beta", "gamma", "delta"]
        rng = Lcg(3)
        doc = " ".join(words[rng.below(4)] for _ in range(120000))
        counts = text.word_frequencies(doc)
        assert sum(counts.values()) == 120000
