"""A tiny linear congruential generator: the same sequence on every machine and Python."""


class Lcg:
    """64-bit LCG (Knuth's MMIX constants)."""

    MULTIPLIER = 6364136223846793005
    INCREMENT = 1442695040888963407
    MASK = (1 << 64) - 1

    def __init__(self, seed=0):
        self.state = seed & self.MASK

    def next_u64(self):
        self.state = (self.state * self.MULTIPLIER + self.INCREMENT) & self.MASK
        return self.state

    def below(self, bound):
        """An integer in [0, bound)."""
        return (self.next_u64() >> 11) % bound

    def ints(self, count, bound):
        return [self.below(bound) for _ in range(count)]

    def shuffle(self, values):
        """Fisher-Yates shuffle in place; returns the list for convenience."""
        for i in range(len(values) - 1, 0, -1):
            j = self.below(i + 1)
            values[i], values[j] = values[j], values[i]
        return values
