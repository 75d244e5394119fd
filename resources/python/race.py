"""The lesson's counters, raced by real threads: W threads increment one counter I times each.

Usage: race.py --workers 5 --increments 100000 --trials 20 --warmup 1 --variants unlocked,unlocked-call,locked

Variants (trials of different variants are interleaved: A B C, A B C, ...):
  unlocked       the lesson's Counter: `self.count += offset` with no lock
  unlocked-call  the same read-add-write with a function call between the read and the write
  locked         the lesson's LockingCounter: the same `+=` inside `with self.lock`

Threads are released together by a barrier; times come from time.perf_counter() inside Python,
so the interpreter's start-up is not part of them (`startedAtEpochMs` lets the caller measure it).
Prints one JSON object on its last line.
"""

import argparse
import json
import sys
import threading
import time

# the machine's monotonic clock, which the lab reads too (see threads.py)
STARTED_AT_MONOTONIC_MS = time.perf_counter() * 1000


class Counter:
    def __init__(self):
        self.count = 0

    def increment(self, offset):
        self.count += offset


class LockingCounter:
    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    def increment(self, offset):
        with self.lock:
            self.count += offset


def pause():
    """Does nothing; calling it gives the interpreter a point where it may switch threads."""


class CallBetweenCounter:
    def __init__(self):
        self.count = 0

    def increment(self, offset):
        value = self.count
        pause()
        self.count = value + offset


COUNTERS = {"unlocked": Counter, "unlocked-call": CallBetweenCounter, "locked": LockingCounter}


def worker(how_many, counter, barrier, spans, index):
    barrier.wait()
    started = time.perf_counter()
    for _ in range(how_many):
        counter.increment(1)
    spans[index] = (started, time.perf_counter())


def run_trial(variant, workers, increments):
    counter = COUNTERS[variant]()
    barrier = threading.Barrier(workers + 1)
    spans = [None] * workers
    threads = [threading.Thread(target=worker, args=(increments, counter, barrier, spans, i)) for i in range(workers)]
    for thread in threads:
        thread.start()
    released_at_epoch_ms = time.time() * 1000
    barrier.wait()
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    ended = max(end for _, end in spans)
    return {
        "variant": variant,
        "expected": workers * increments,
        "found": counter.count,
        "releasedAtEpochMs": released_at_epoch_ms,
        "durationMs": (ended - released) * 1000,
        "threads": [{"startMs": (start - released) * 1000, "endMs": (end - released) * 1000} for start, end in spans],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--increments", type=int, required=True)
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--variants", required=True)
    args = parser.parse_args()
    variants = args.variants.split(",")
    for variant in variants:
        if variant not in COUNTERS:
            parser.error(f"unknown variant {variant!r}; choose from {', '.join(COUNTERS)}")

    trials = []
    for round_index in range(args.warmup + args.trials):
        for variant in variants:
            outcome = run_trial(variant, args.workers, args.increments)
            outcome["warmup"] = round_index < args.warmup
            outcome["trial"] = round_index - args.warmup if round_index >= args.warmup else round_index
            trials.append(outcome)

    print(json.dumps({
        "startedAtMonotonicMs": STARTED_AT_MONOTONIC_MS,
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "gilEnabled": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "switchIntervalMs": sys.getswitchinterval() * 1000,
        "trials": trials,
    }))


if __name__ == "__main__":
    main()
