"""The lesson's counters, raced by real threads: W threads increment one counter I times each.

Usage: race.py --workers 5 --increments 100000 --trials 20 --warmup 1 --variants unlocked,unlocked-call,locked [--trace 100000]
       race.py --bytecode-only

With --trace N, one more trial (not measured) runs 2 threads × N increments of unlocked-call (and,
on a free-threaded build, of unlocked) in which every increment logs the value it read and the
value it wrote; repeated up to 5 times until one loses an update. With --bytecode-only, it prints only the bytecode of the lesson's Counter.increment.

Variants (trials of different variants are interleaved: A B C, A B C, ...):
  unlocked       the lesson's Counter: `self.count += offset` with no lock
  unlocked-call  the same read-add-write with a function call between the read and the write
  locked         the lesson's LockingCounter: the same `+=` inside `with self.lock`

Threads are released together by a barrier; times come from time.perf_counter() inside Python,
so the interpreter's start-up is not part of them (`startedAtEpochMs` lets the caller measure it).
Prints one JSON object on its last line.
"""

import argparse
import dis
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


class TracedCounter:
    """The lesson's Counter, each increment logging what it read and wrote (after the write)."""

    def __init__(self):
        self.count = 0

    def increment(self, offset, reads, writes):
        value = self.count
        self.count = value + offset
        reads.append(value)
        writes.append(value + offset)


class TracedCallBetweenCounter:
    """CallBetweenCounter, each increment logging what it read and wrote (after the write)."""

    def __init__(self):
        self.count = 0

    def increment(self, offset, reads, writes):
        value = self.count
        pause()
        self.count = value + offset
        reads.append(value)
        writes.append(value + offset)


TRACED_COUNTERS = {"unlocked": TracedCounter, "unlocked-call": TracedCallBetweenCounter}
TRACE_THREADS = 2


def gil_enabled():
    return getattr(sys, "_is_gil_enabled", lambda: True)()


def traced_worker(how_many, counter, barrier, log):
    reads, writes = log
    barrier.wait()
    for _ in range(how_many):
        counter.increment(1, reads, writes)


def deltas(values):
    """Each value minus the one before (the first as is): a log of mostly 1s prints small."""
    previous = 0
    out = []
    for value in values:
        out.append(value - previous)
        previous = value
    return out


TRACE_ATTEMPTS = 5


def run_traced_trial(variant, increments):
    """Traces up to TRACE_ATTEMPTS trials, stopping at the first that lost an update (a switch lands
    between a read and its write only now and then); says how many it took."""
    for attempt in range(1, TRACE_ATTEMPTS + 1):
        trace = trace_once(variant, increments)
        if trace["found"] < TRACE_THREADS * increments:
            break
    trace["attempts"] = attempt
    return trace


def trace_once(variant, increments):
    counter = TRACED_COUNTERS[variant]()
    barrier = threading.Barrier(TRACE_THREADS)
    logs = [([], []) for _ in range(TRACE_THREADS)]
    threads = [threading.Thread(target=traced_worker, args=(increments, counter, barrier, logs[i])) for i in range(TRACE_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "variant": variant,
        "found": counter.count,
        "threads": [{"readDeltas": deltas(reads), "writeMinusRead": [w - r for r, w in zip(reads, writes)]} for reads, writes in logs],
    }


def bytecode():
    """The lesson's increment as this interpreter runs it."""
    return [
        {"offset": i.offset, "opname": i.opname, "argval": str(i.argval), "argrepr": i.argrepr}
        for i in dis.get_instructions(Counter.increment)
    ]


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
    parser.add_argument("--bytecode-only", action="store_true")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--increments", type=int)
    parser.add_argument("--trials", type=int)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--variants")
    parser.add_argument("--trace", type=int, default=0)
    parser.add_argument("--switch-interval-ms", type=float, default=0, help="sys.setswitchinterval before the threads start; 0 keeps the interpreter's own")
    args = parser.parse_args()
    if args.switch_interval_ms > 0:
        sys.setswitchinterval(args.switch_interval_ms / 1000)
    if args.bytecode_only:
        print(json.dumps({"python": sys.version.split()[0], "bytecode": bytecode()}))
        return
    if None in (args.workers, args.increments, args.trials, args.variants):
        parser.error("--workers, --increments, --trials and --variants are required")
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

    traced = ["unlocked-call"] + ([] if gil_enabled() else ["unlocked"])
    traces = [run_traced_trial(variant, args.trace) for variant in traced] if args.trace > 0 else []

    print(json.dumps({
        "startedAtMonotonicMs": STARTED_AT_MONOTONIC_MS,
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "gilEnabled": gil_enabled(),
        "switchIntervalMs": sys.getswitchinterval() * 1000,
        "trials": trials,
        "traces": traces,
        "bytecode": bytecode(),
    }))


if __name__ == "__main__":
    main()
