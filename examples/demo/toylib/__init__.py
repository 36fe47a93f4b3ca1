"""toylib: small, deterministic, pure-Python algorithms used by the shardplan demo suite.

Every function does real work (no sleeping), so test durations come from computation.
"""

__all__ = ["dp", "graphs", "hashing", "matrix", "primes", "rng", "sorting", "text"]
