"""Classic comparison and counting sorts; each returns a new list."""


def insertion_sort(values):
    out = list(values)
    for i in range(1, len(out)):
        key = out[i]
        j = i - 1
        while j >= 0 and out[j] > key:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = key
    return out


def merge_sort(values):
    if len(values) <= 1:
        return list(values)
    mid = len(values) // 2
    left, right = merge_sort(values[:mid]), merge_sort(values[mid:])
    merged, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged


def quick_sort(values):
    out = list(values)
    stack = [(0, len(out) - 1)]
    while stack:
        lo, hi = stack.pop()
        if lo >= hi:
            continue
        pivot = out[(lo + hi) // 2]
        i, j = lo, hi
        while i <= j:
            while out[i] < pivot:
                i += 1
            while out[j] > pivot:
                j -= 1
            if i <= j:
                out[i], out[j] = out[j], out[i]
                i += 1
                j -= 1
        stack.append((lo, j))
        stack.append((i, hi))
    return out


def heap_sort(values):
    out = list(values)
    n = len(out)

    def sift_down(start, end):
        root = start
        while 2 * root + 1 <= end:
            child = 2 * root + 1
            if child + 1 <= end and out[child] < out[child + 1]:
                child += 1
            if out[root] >= out[child]:
                return
            out[root], out[child] = out[child], out[root]
            root = child

    for start in range(n // 2 - 1, -1, -1):
        sift_down(start, n - 1)
    for end in range(n - 1, 0, -1):
        out[0], out[end] = out[end], out[0]
        sift_down(0, end - 1)
    return out


def counting_sort(values, bound):
    """Sorts non-negative integers below `bound`."""
    counts = [0] * bound
    for v in values:
        counts[v] += 1
    out = []
    for v, c in enumerate(counts):
        out.extend([v] * c)
    return out


def is_sorted(values):
    return all(a <= b for a, b in zip(values, values[1:]))


ALGORITHMS = {
    "insertion": insertion_sort,
    "merge": merge_sort,
    "quick": quick_sort,
    "heap": heap_sort,
}
