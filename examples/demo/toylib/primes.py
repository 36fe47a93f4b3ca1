"""Prime numbers: sieve, deterministic Miller-Rabin, factorisation."""


def sieve(limit):
    """All primes <= limit, by the sieve of Eratosthenes."""
    if limit < 2:
        return []
    flags = bytearray([1]) * (limit + 1)
    flags[0] = flags[1] = 0
    for p in range(2, int(limit ** 0.5) + 1):
        if flags[p]:
            for multiple in range(p * p, limit + 1, p):
                flags[multiple] = 0
    return [n for n in range(limit + 1) if flags[n]]


def is_prime_trial(n):
    """Primality by trial division: slow but obviously right."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


_WITNESSES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def is_prime(n):
    """Deterministic Miller-Rabin, exact for n < 3.3e24."""
    if n < 2:
        return False
    for p in _WITNESSES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in _WITNESSES:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def factorize(n):
    """Prime factors of n >= 1 in ascending order, with multiplicity."""
    factors = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1 if d == 2 else 2
    if n > 1:
        factors.append(n)
    return factors


def prime_count(limit):
    """pi(limit): the number of primes <= limit."""
    return len(sieve(limit))


def nth_prime(index):
    """The index-th prime, 1-based (nth_prime(1) == 2)."""
    limit = 16
    while True:
        found = sieve(limit)
        if len(found) >= index:
            return found[index - 1]
        limit *= 2
