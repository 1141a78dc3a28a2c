"""portal.kept: the bounded map the portal keeps per-process things in."""

from __future__ import annotations

import threading

from portal.kept import Kept


def test_the_least_recently_used_entry_goes_first():
    kept: Kept[str] = Kept(2)
    kept.put("a", "A")
    kept.put("b", "B")
    assert kept.get("a") == "A"  # now "b" is the least recently used
    kept.put("c", "C")
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A", None, "C")
    assert len(kept) == 2


def test_threads_never_grow_it_past_its_size():
    kept: Kept[int] = Kept(50)

    def fill(start: int) -> None:
        for number in range(start, start + 2000):
            kept.put(number, number)
            kept.get(number - 1)

    threads = [threading.Thread(target=fill, args=(n * 10_000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) == 50
