"""Your own Python function, run by Concurrency Lab: serially, on threads and on a process pool.

    python3 workload.py --module /tmp/x/user_workload.py --workers 1,2,4 --strategies threads,processes \
        --runs 5 --warmup 1 --input-timeout-s 10 --on-error stop

The module defines work(x) and, optionally, inputs() (default: range(8)). Every input runs once
serially first (each one timed: the reference results and the shape of the work); an input that
raises stops the run (--on-error stop) or is left out (skip). Then the strategies run interleaved
(A B C, A B C, ...) and every run's results are compared with the reference (==). A thread cannot be
stopped from outside, so an input past its timeout ends this whole process after it has said which
input it was. The last line of stdout is one JSON object; a failure is {"error": "..."}.
"""

import time

SCRIPT_STARTED_AT_MONOTONIC_MS = time.perf_counter() * 1000

import argparse  # noqa: E402
import concurrent.futures  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import sysconfig  # noqa: E402
import traceback  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor  # noqa: E402

MAX_INPUTS = 10000


def say(result):
    print(json.dumps(result), flush=True)


def fail(message):
    say({"error": message})
    # a thread running the user's code cannot be stopped: leave without waiting for it
    os._exit(0)


def user_traceback(error, module_file):
    """The traceback of the user's code only: their frames, named "your module"."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == module_file]
    lines = ["  File \"your module\", line %d, in %s\n    %s" % (f.lineno, f.name, (f.line or "").strip()) for f in frames]
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    return "\n" + "\n".join(lines + [text]) if lines else text


def preview(value):
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a repr that fails is the user's, shown as such
        text = "<unprintable>"
    return text if len(text) <= 80 else text[:77] + "..."


def load(module_file):
    folder, name = os.path.split(module_file)
    sys.path.insert(0, folder)
    try:
        module = importlib.import_module(os.path.splitext(name)[0])
    except SyntaxError as error:
        fail("Your module could not be loaded: %s (your module, line %s)%s" % (
            error.msg, error.lineno, "\n    " + error.text.rstrip() if error.text else ""))
    except Exception as error:  # noqa: BLE001
        fail("Your module could not be loaded: %s" % user_traceback(error, module_file))
    if not callable(getattr(module, "work", None)):
        names = sorted(n for n in vars(module) if not n.startswith("_"))
        fail("Your module defines no function named work%s. Write def work(x): ..." % ("; it defines " + ", ".join(names) if names else ""))
    return module


def limit_memory(megabytes):
    """Caps this process's data (and its pool's processes', which inherit it): an input that needs more raises
    MemoryError instead of taking the machine's memory. Not on Windows (no resource module)."""
    try:
        import resource
    except ImportError:
        return False
    if megabytes <= 0 or not hasattr(resource, "RLIMIT_DATA"):
        return False
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    # the interpreter's own data on top of the limit asked for
    soft = (megabytes + 64) * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    except (ValueError, OSError):
        return False
    return True


def failure_of(error, module_file, memory_limit_mb):
    if isinstance(error, MemoryError):
        return "ran out of memory (the limit is %d MB of data per process)." % memory_limit_mb if memory_limit_mb > 0 else "ran out of memory."
    return "raised: %s" % user_traceback(error, module_file)


def timed(work, value):
    started = time.perf_counter()
    result = work(value)
    return result, (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", required=True)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--strategies", default="threads,processes")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--input-timeout-s", type=float, default=10)
    parser.add_argument("--on-error", choices=["stop", "skip"], default="stop")
    parser.add_argument("--memory-limit-mb", type=int, default=0, help="a limit on each process's data (RLIMIT_DATA, where the system has it); 0: none")
    args = parser.parse_args()
    memory_limited = limit_memory(args.memory_limit_mb)
    module_file = os.path.abspath(args.module)
    module = load(module_file)
    work = module.work
    try:
        inputs = list(module.inputs()) if callable(getattr(module, "inputs", None)) else list(range(8))
    except Exception as error:  # noqa: BLE001
        fail("inputs() raised: %s" % user_traceback(error, module_file))
    if not inputs:
        fail("inputs() returned an empty list: there is nothing to run. Return at least one input.")
    if len(inputs) > MAX_INPUTS:
        fail("inputs() returned %d inputs; the lab runs at most %d. Group them into fewer, larger inputs." % (len(inputs), MAX_INPUTS))

    # the reference pass: every input once, serially, each with its timeout (on a thread, so that a hang is seen)
    reference = {}
    infos = []
    with ThreadPoolExecutor(1) as single:
        for index, value in enumerate(inputs):
            info = {"index": index, "preview": preview(value)}
            future = single.submit(timed, work, value)
            message = None
            try:
                result, ms = future.result(timeout=args.input_timeout_s)
            except concurrent.futures.TimeoutError:
                fail("work(input %d: %s) did not finish within %s s; a Python thread cannot be stopped, so the lab ended the interpreter." % (index, preview(value), args.input_timeout_s))
            except Exception as error:  # noqa: BLE001
                message = "work(input %d: %s) %s" % (index, preview(value), failure_of(error, module_file, args.memory_limit_mb if memory_limited else 0))
            if message is None:
                try:
                    pickle.dumps(result)
                except Exception as error:  # noqa: BLE001
                    message = "What work(input %d: %s) returned cannot go to another process: %s." % (index, preview(value), str(error).rstrip("."))
            if message is None:
                reference[index] = result
                info["serialMs"] = ms
            elif args.on_error == "stop":
                fail(message + " The run stopped there (On an error: stop); choose skip to measure the other inputs without it.")
            else:
                info["error"] = message
            infos.append(info)
    good = [i for i in range(len(inputs)) if i in reference]
    if not good:
        fail("Every input failed, so there is nothing to measure. The first: %s" % infos[0].get("error", ""))
    values = [inputs[i] for i in good]

    workers = sorted(set(int(w) for w in args.workers.split(",") if w))
    strategies = [s for s in args.strategies.split(",") if s]
    pools = {}
    variants = [("serial", "serial", 1)]
    for strategy in ("threads", "processes"):
        if strategy in strategies:
            for count in workers:
                variants.append(("%s-%d" % (strategy, count), strategy, count))
    timeout = args.input_timeout_s * len(values)
    samples = {v[0]: [] for v in variants}
    warmups = {v[0]: [] for v in variants}
    mismatches = {}
    try:
        for _, strategy, count in variants:
            if strategy != "serial":
                pools[(strategy, count)] = (ThreadPoolExecutor if strategy == "threads" else ProcessPoolExecutor)(count)
        for round_index in range(args.warmup + args.runs):
            for variant_id, strategy, count in variants:
                started = time.perf_counter()
                try:
                    if strategy == "serial":
                        future = pools.setdefault(("serial", 1), ThreadPoolExecutor(1)).submit(lambda: [work(v) for v in values])
                        results = future.result(timeout=timeout)
                    else:
                        results = list(pools[(strategy, count)].map(work, values, timeout=timeout))
                except concurrent.futures.TimeoutError:
                    fail("%s did not finish the %d inputs within %s s; a Python thread cannot be stopped, so the lab ended the interpreter." % (variant_id, len(values), timeout))
                except Exception as error:  # noqa: BLE001
                    fail("%s failed: work %s" % (variant_id, failure_of(error, module_file, args.memory_limit_mb if memory_limited else 0)))
                elapsed = (time.perf_counter() - started) * 1000
                sample = {"trial": round_index - args.warmup if round_index >= args.warmup else round_index, "valueMs": elapsed, "startedAtMs": time.time() * 1000}
                (warmups if round_index < args.warmup else samples)[variant_id].append(sample)
                for k, result in enumerate(results):
                    if result != reference[good[k]] and variant_id not in mismatches:
                        mismatches[variant_id] = "input %d (%s): the first serial pass returned %s, %s returned %s" % (good[k], preview(values[k]), preview(reference[good[k]]), variant_id, preview(result))
    finally:
        # every task has finished here (a failure left through fail(), and the lab ends the process group)
        for pool in pools.values():
            pool.shutdown(wait=True)

    say({
        "startedAtMonotonicMs": SCRIPT_STARTED_AT_MONOTONIC_MS,
        "python": {
            "version": sys.version.split()[0],
            "implementation": sys.implementation.name,
            "executable": sys.executable,
            "gilEnabled": bool(getattr(sys, "_is_gil_enabled", lambda: True)()),
            "freeThreadedBuild": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
            # the lab starts this script at the niceness of its Node workers (None: Windows, which has no niceness)
            "niceness": os.nice(0) if hasattr(os, "nice") else None,
        },
        "memoryLimited": memory_limited,
        "inputs": infos,
        "variants": [{"id": v[0], "strategy": v[1], "workers": v[2], "samples": samples[v[0]], "warmupSamples": warmups[v[0]]} for v in variants],
        "mismatches": mismatches,
    })


if __name__ == "__main__":
    main()
