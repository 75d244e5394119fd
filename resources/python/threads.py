"""The Python originals of the Threads lab, run by Concurrency Lab beside its Node versions.

    python3 threads.py factorize --numbers 2139079,218502 --scale 0 --workers 1,2,4 --runs 3 --warmup 1
    python3 threads.py blocking --calls 5 --ms 100 --runs 3 --warmup 1

factorize finds all divisors by trial division, serially, with threads (which take turns
under the GIL) and with processes (multiprocessing through concurrent.futures). blocking
makes K blocking calls of D ms (select() with a timeout, as in the lesson) one after another,
on K threads, and as asyncio sleeps. Variants run interleaved (A B C, A B C, ...) so a change
in the machine's speed falls on all of them alike. The last line of stdout is one JSON object.
"""

import time

# first, so the interpreter's start-up can be told apart; perf_counter is the machine's monotonic clock,
# the one the lab reads too (an epoch time would not survive a laptop's sleep or a clock change)
SCRIPT_STARTED_AT_MONOTONIC_MS = time.perf_counter() * 1000

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import select  # noqa: E402
import sys  # noqa: E402
import sysconfig  # noqa: E402
import threading  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor  # noqa: E402

MAX_SCALE = 5000
# trial divisions per stamped slice of the traced trial: about half a millisecond, a tenth of the GIL's switch interval
SLICE_TRIAL_DIVISIONS = 8192
CALIBRATION_BATCHES = 20
STAMPS_PER_BATCH = 100


def factorize(number):
    """The lesson's trial division: tries every i from 1 to number."""
    return [i for i in range(1, number + 1) if number % i == 0]


def factorize_timed(number):
    """factorize, with when and where it ran (perf_counter is one clock for all processes here)."""
    started = time.perf_counter()
    divisors = factorize(number)
    return divisors, started, time.perf_counter(), os.getpid(), threading.get_ident()


def factorize_sliced(number):
    """factorize in slices, stamping each slice boundary on perf_counter (the monotonic clock the lab reads)
    and on this thread's CPU clock: a slice whose thread used clearly less CPU than wall time was paused
    inside (waiting for the GIL, or descheduled)."""
    found = []
    slices = []
    last, last_cpu = time.perf_counter_ns(), time.thread_time_ns()
    for start in range(1, number + 1, SLICE_TRIAL_DIVISIONS):
        stop = min(number + 1, start + SLICE_TRIAL_DIVISIONS)
        found.extend([i for i in range(start, stop) if number % i == 0])
        now, cpu = time.perf_counter_ns(), time.thread_time_ns()
        slices.append((last, now, cpu - last_cpu))
        last, last_cpu = now, cpu
    return found, slices, os.getpid(), threading.get_ident()


def calibrate_stamp_ns():
    """What one slice boundary costs (both clocks read, the slice recorded): the fastest of several
    batches, so a batch during which the thread was descheduled does not count."""
    fastest = None
    for _ in range(CALIBRATION_BATCHES):
        sink = []
        started = time.perf_counter_ns()
        for _ in range(STAMPS_PER_BATCH):
            sink.append((time.perf_counter_ns(), time.thread_time_ns(), 0))
        elapsed = time.perf_counter_ns() - started
        fastest = elapsed if fastest is None else min(fastest, elapsed)
    return fastest / STAMPS_PER_BATCH


def block(ms):
    """One blocking call: select() with a timeout and nothing to wait for (time.sleep on Windows)."""
    started = time.perf_counter()
    if sys.platform == "win32":
        time.sleep(ms / 1000)
    else:
        select.select([], [], [], ms / 1000)
    return started, time.perf_counter(), os.getpid(), threading.get_ident()


def python_info():
    gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)()
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "gilEnabled": bool(gil_enabled),
        "freeThreadedBuild": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "cpuCount": os.cpu_count(),
        "startMethod": __import__("multiprocessing").get_start_method(),
        "scriptStartedAtMonotonicMs": SCRIPT_STARTED_AT_MONOTONIC_MS,
        "switchIntervalMs": sys.getswitchinterval() * 1000,
        "clock": time.get_clock_info("perf_counter").implementation,
        "niceness": niceness(),
    }


def int_list(text):
    try:
        values = [int(piece) for piece in text.split(",") if piece.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, got {text!r}")
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected whole numbers of at least 1, got {text!r}")
    return values


def spans_of(records, origin, lane_key):
    """Timeline spans (ms since the trial began), one lane per thread or process in order of first use."""
    lanes = {}
    spans = []
    for index, (started, finished, pid, ident, label) in enumerate(records):
        key = {"pid": pid, "ident": ident, "index": index}[lane_key]
        lane = lanes.setdefault(key, len(lanes))
        spans.append({
            "lane": lane,
            "index": index,
            "label": label,
            "pid": pid,
            "startMs": (started - origin) * 1000,
            "endMs": (finished - origin) * 1000,
        })
    return spans


class Variant:
    def __init__(self, variant_id, strategy, workers, trial):
        self.id = variant_id
        self.strategy = strategy
        self.workers = workers
        self.trial = trial
        self.samples = []
        self.warmup_samples = []
        self.spans = []

    def run(self, round_index, warmup):
        started_at_epoch_ms = time.time() * 1000
        value_ms, spans = self.trial()
        sample = {"trial": round_index, "startedAtMs": started_at_epoch_ms, "valueMs": value_ms}
        (self.warmup_samples if warmup else self.samples).append(sample)
        if not warmup:
            self.spans = spans

    def to_json(self):
        return {
            "id": self.id,
            "strategy": self.strategy,
            "workers": self.workers,
            "samples": self.samples,
            "warmupSamples": self.warmup_samples,
            "spans": self.spans,
        }


def measure_interleaved(variants, runs, warmup):
    for round_index in range(warmup):
        for variant in variants:
            variant.run(round_index, True)
    for round_index in range(runs):
        for variant in variants:
            variant.run(round_index, False)


def warm_executor(executor, workers, kind):
    """Makes the pool start all its workers now; returns how long that took, in ms."""
    started = time.perf_counter()
    if kind == "threads":
        barrier = threading.Barrier(workers)
        list(executor.map(lambda _: barrier.wait(), range(workers)))
    else:
        futures = [executor.submit(os.getpid) for _ in range(workers)]
        for future in futures:
            future.result()
    return (time.perf_counter() - started) * 1000


def run_factorize(args):
    numbers = args.numbers
    reference = [factorize(n) for n in numbers]  # also warms the interpreter's caches
    scale = args.scale
    one_pass_ms = None
    if scale == 0:
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            for n in numbers:
                factorize(n)
            timings.append((time.perf_counter() - started) * 1000)
        one_pass_ms = min(timings)
        scale = max(1, min(MAX_SCALE, math.ceil(args.target_ms / max(one_pass_ms, 1e-3))))
    tasks = numbers * scale
    expected = reference * scale
    strategies = set(args.strategies.split(","))
    startup = []
    mismatches = []

    def check(variant_id, divisor_lists):
        if divisor_lists != expected:
            first = next(i for i, (a, b) in enumerate(zip(divisor_lists, expected)) if a != b)
            mismatches.append(f"{variant_id} found {divisor_lists[first]} for {tasks[first]}, serial found {expected[first]}")

    def serial_trial():
        origin = time.perf_counter()
        records = []
        divisor_lists = []
        for n in tasks:
            divisors, started, finished, pid, ident = factorize_timed(n)
            divisor_lists.append(divisors)
            records.append((started, finished, pid, ident, str(n)))
        value_ms = (time.perf_counter() - origin) * 1000
        check("serial", divisor_lists)
        return value_ms, spans_of(records, origin, "ident")

    def pooled_trial(variant_id, make_executor, workers, kind, executor_holder):
        def trial():
            origin = time.perf_counter()
            executor = make_executor(workers) if args.include_startup else executor_holder[0]
            try:
                results = list(executor.map(factorize_timed, tasks))
                value_ms = (time.perf_counter() - origin) * 1000
            finally:
                if args.include_startup:
                    executor.shutdown(wait=True)  # not timed: the work is done
            check(variant_id, [r[0] for r in results])
            records = [(r[1], r[2], r[3], r[4], str(n)) for r, n in zip(results, tasks)]
            return value_ms, spans_of(records, origin, "pid" if kind == "processes" else "ident")
        return trial

    variants = [Variant("serial", "serial", 1, serial_trial)]
    executors = []
    executor_of = {}
    # Process pools first: forking after threads exist is unsafe (and deprecated in 3.12+).
    pools = (
        ("processes", lambda p: ProcessPoolExecutor(max_workers=p), args.process_workers or args.workers),
        ("threads", lambda p: ThreadPoolExecutor(max_workers=p), args.workers),
    )
    for kind, make, worker_counts in pools:
        if kind not in strategies:
            continue
        for workers in worker_counts:
            holder = [None]
            if not args.include_startup:
                holder[0] = make(workers)
                executors.append(holder[0])
                startup.append({"strategy": kind, "workers": workers, "ms": warm_executor(holder[0], workers, kind)})
            executor_of[(kind, workers)] = holder
            variants.append(Variant(f"{kind}-{workers}", kind, workers, pooled_trial(f"{kind}-{workers}", make, workers, kind, holder)))
    variants.sort(key=lambda v: ("serial", "threads", "processes").index(v.strategy))
    traces = []
    try:
        measure_interleaved(variants, args.runs, args.warmup)
        if args.trace_workers:
            for kind, make, _ in pools:
                holder = executor_of.get((kind, args.trace_workers))
                if kind in strategies and (holder or args.include_startup):
                    traces.append(traced_trial(kind, args.trace_workers, make, holder, tasks, check))
            traces.sort(key=lambda trace: ("threads", "processes").index(trace["strategy"]))
    finally:
        for executor in executors:
            executor.shutdown(wait=True)
    if mismatches:
        print("Results differ between strategies: " + "; ".join(mismatches[:3]), file=sys.stderr)
        sys.exit(2)
    return {
        "experiment": "factorize",
        "python": python_info(),
        "numbers": numbers,
        "scale": scale,
        "scaleChosen": "auto" if args.scale == 0 else "given",
        "onePassMs": one_pass_ms,
        "tasks": len(tasks),
        "divisors": [{"number": n, "divisors": d} for n, d in zip(numbers, reference)],
        "identical": True,
        "includeStartup": args.include_startup,
        "startup": startup,
        "variants": [v.to_json() for v in variants],
        "traces": traces,
    }


def traced_trial(kind, workers, make, holder, tasks, check):
    """One more trial of a pool, each worker stamping its slices: who ran when. Not a measured sample."""
    executor = holder[0] if holder and holder[0] else make(workers)
    try:
        if not (holder and holder[0]):
            warm_executor(executor, workers, kind)
        per_stamp_ns = calibrate_stamp_ns()
        started = time.perf_counter_ns()
        results = list(executor.map(factorize_sliced, tasks))
        finished = time.perf_counter_ns()
    finally:
        if not (holder and holder[0]):
            executor.shutdown(wait=True)
    check(f"{kind}-{workers} (traced)", [r[0] for r in results])
    lanes = {}
    for task, (_, slices, pid, ident) in enumerate(results):
        lane = lanes.setdefault((pid, ident), {"pid": pid, "threadId": ident, "slices": []})
        lane["slices"].extend([s[0] / 1e6, s[1] / 1e6, s[2] / 1e6, task] for s in slices)
    return {
        "id": f"{kind}-{workers}",
        "strategy": kind,
        "workers": workers,
        "startedAtMs": started / 1e6,
        "finishedAtMs": finished / 1e6,
        "perStampNs": per_stamp_ns,
        "stamps": sum(len(r[1]) + 1 for r in results),
        "lanes": list(lanes.values()),
    }


def run_blocking(args):
    calls, ms = args.calls, args.ms

    def records_of(results, label_prefix="call"):
        return [(r[0], r[1], r[2], r[3], f"{label_prefix} {i + 1}") for i, r in enumerate(results)]

    def serial_trial():
        origin = time.perf_counter()
        results = [block(ms) for _ in range(calls)]
        value_ms = (time.perf_counter() - origin) * 1000
        return value_ms, spans_of(records_of(results), origin, "index")

    executor = ThreadPoolExecutor(max_workers=calls)
    startup_ms = warm_executor(executor, calls, "threads")

    def threads_trial():
        origin = time.perf_counter()
        results = list(executor.map(block, [ms] * calls))
        value_ms = (time.perf_counter() - origin) * 1000
        return value_ms, spans_of(records_of(results), origin, "index")

    loop = asyncio.new_event_loop()

    async def sleep_call():
        started = time.perf_counter()
        await asyncio.sleep(ms / 1000)
        return started, time.perf_counter(), os.getpid(), threading.get_ident()

    async def all_calls():
        return await asyncio.gather(*(sleep_call() for _ in range(calls)))

    def asyncio_trial():
        origin = time.perf_counter()
        results = loop.run_until_complete(all_calls())
        value_ms = (time.perf_counter() - origin) * 1000
        return value_ms, spans_of(records_of(results), origin, "index")

    variants = [
        Variant("serial", "serial", 1, serial_trial),
        Variant(f"threads-{calls}", "threads", calls, threads_trial),
        Variant("asyncio", "asyncio", calls, asyncio_trial),
    ]
    try:
        measure_interleaved(variants, args.runs, args.warmup)
    finally:
        executor.shutdown(wait=True)
        loop.close()
    return {
        "experiment": "blocking",
        "python": python_info(),
        "calls": calls,
        "ms": ms,
        "startup": [{"strategy": "threads", "workers": calls, "ms": startup_ms}],
        "variants": [v.to_json() for v in variants],
    }


def niceness():
    """This process's niceness, or None where there is none (Windows)."""
    try:
        return os.nice(0)
    except (AttributeError, OSError):
        return None


def lower_priority():
    """Niceness 10 (not 10 more: the lab may have set it already), as the lab's Node threads and children, so the
    app that runs this stays responsive and the two runtimes compete for the machine on equal terms."""
    current = niceness()
    if current is None or current >= 10:
        return  # Windows has no os.nice: there the lab lowers the process's priority when it starts it
    try:
        os.nice(10 - current)
    except OSError:
        pass


def main():
    parser = argparse.ArgumentParser(description="The Python originals of Concurrency Lab's Threads experiments.")
    commands = parser.add_subparsers(dest="command", required=True)
    fact = commands.add_parser("factorize", help="CPU-bound: divisors by trial division")
    fact.add_argument("--numbers", type=int_list, default=[2139079, 218502, 589213, 789123])
    fact.add_argument("--scale", type=int, default=0, help="repeat the list this many times; 0 picks enough for --target-ms")
    fact.add_argument("--target-ms", type=float, default=300.0)
    fact.add_argument("--workers", type=int_list, default=[1, 2, 4])
    fact.add_argument("--process-workers", type=int_list, help="worker counts of the process pools (Windows allows at most 61); --workers when not given")
    fact.add_argument("--strategies", default="serial,threads,processes")
    fact.add_argument("--include-startup", action="store_true")
    fact.add_argument("--trace-workers", type=int, default=0, help="after measuring, one traced trial of the thread and process pools with this many workers (0: none)")
    fact.add_argument("--runs", type=int, default=3)
    fact.add_argument("--warmup", type=int, default=1)
    blocking = commands.add_parser("blocking", help="blocking calls of a fixed duration")
    blocking.add_argument("--calls", type=int, default=5)
    blocking.add_argument("--ms", type=float, default=100.0)
    blocking.add_argument("--runs", type=int, default=3)
    blocking.add_argument("--warmup", type=int, default=1)
    commands.add_parser("info", help="which Python this is")
    args = parser.parse_args()
    lower_priority()
    if args.command == "factorize":
        result = run_factorize(args)
    elif args.command == "blocking":
        result = run_blocking(args)
    else:
        result = {"experiment": "info", "python": python_info()}
    print(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    main()
