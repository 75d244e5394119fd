"""
Starts children for the lab as the lessons do: subprocess.Popen, from one Python process.

One JSON request a line on stdin, one JSON reply a line on stdout:
  {"type": "run", "id": N, "argv": [...], "env": {...}, "cwd": ..., "timeoutMs": ..., "killGraceMs": ..., "maxCaptureBytes": ...}
                                            -> {"type": "started", "id": N, "pid": ...} then {"type": "done", "id": N, "outcome": {...}}
  {"type": "cancel", "id": N}
Times are time.perf_counter() in ms: the machine's monotonic clock, which the lab reads too and converts
to its own. When stdin closes (the lab went away) every child still running is killed with its
descendants, then the script exits.
"""
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time

WINDOWS = os.name == "nt"
write_lock = threading.Lock()
running = {}  # id -> Child
running_lock = threading.Lock()


def now_ms():
    return time.perf_counter() * 1000.0


def send(message):
    line = json.dumps(message, separators=(",", ":"))
    with write_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def kill_tree(pid):
    """SIGKILL to the child's process group (it leads its own); taskkill /T on Windows."""
    try:
        if WINDOWS:
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            os.killpg(pid, signal.SIGKILL)
    except (OSError, subprocess.SubprocessError):
        pass  # already gone


def signal_name(returncode):
    if returncode is None or returncode >= 0 or WINDOWS:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return "SIG%d" % -returncode


class Capture:
    def __init__(self, limit):
        self.limit = limit
        self.kept = bytearray()
        self.bytes = 0

    def add(self, chunk):
        self.bytes += len(chunk)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]

    def result(self):
        return {"text": self.kept.decode("utf-8", "replace"), "bytes": self.bytes, "truncated": self.bytes > self.limit}


class Child:
    def __init__(self, request):
        self.request = request
        self.id = request["id"]
        self.proc = None
        self.lock = threading.Lock()
        self.exited_at = None
        self.termination_requested_at = None
        self.timed_out = False
        self.cancelled = False
        self.forced_kill = False

    def stop(self, reason):
        with self.lock:
            if self.exited_at is not None or self.termination_requested_at is not None or self.proc is None:
                return
            self.termination_requested_at = now_ms()
            if reason == "timeout":
                self.timed_out = True
            else:
                self.cancelled = True
            if WINDOWS:
                # no SIGTERM to ignore on Windows: the first stop already ends the tree
                self.forced_kill = True
                kill_tree(self.proc.pid)
                return
            try:
                self.proc.send_signal(signal.SIGTERM)
            except OSError:
                return
        grace = self.request.get("killGraceMs") or 2000
        timer = threading.Timer(grace / 1000.0, self.force)
        timer.daemon = True
        timer.start()

    def force(self):
        with self.lock:
            if self.exited_at is not None:
                return
            self.forced_kill = True
            try:
                self.proc.kill()
            except OSError:
                pass

    def start(self):
        """Popen, here on the reading thread, one child after another as in the lessons' loop; then a thread waits for it."""
        request = self.request
        argv = request["argv"]
        env = None
        if request.get("env"):
            env = dict(os.environ)
            env.update(request["env"])
        limit = request.get("maxCaptureBytes") or 65536
        started_at = now_ms()
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=request.get("cwd"),
                start_new_session=not WINDOWS,
                creationflags=subprocess.CREATE_NEW_PROCESS_GROUP if WINDOWS else 0,
            )
        except OSError as error:
            at = now_ms()
            send({"type": "done", "id": self.id, "outcome": {"argv": argv, "startedAtMs": started_at, "spawnReturnedAtMs": at, "exitedAtMs": at, "closedAtMs": at,
                                                              "exitCode": None, "signal": None, "timedOut": False, "cancelled": False, "forcedKill": False,
                                                              "stdout": {"text": "", "bytes": 0, "truncated": False}, "stderr": {"text": "", "bytes": 0, "truncated": False},
                                                              "startErrno": error.__class__.__name__, "startErrorMessage": str(error)}})
            return
        # Popen returns once the child has exec'd (it waits on an error pipe): the child is running
        self.started_at = started_at
        self.spawn_returned_at = now_ms()
        send({"type": "started", "id": self.id, "pid": self.proc.pid})
        with running_lock:
            running[self.id] = self
        self.timer = None
        timeout_ms = request.get("timeoutMs")
        if timeout_ms is not None:
            self.timer = threading.Timer(timeout_ms / 1000.0, self.stop, args=("timeout",))
            self.timer.daemon = True
            self.timer.start()
        threading.Thread(target=self.finish, args=(limit,), daemon=True).start()

    def finish(self, limit):
        argv = self.request["argv"]
        stdout, stderr = Capture(limit), Capture(limit)
        # the streams are read apart from the wait: a descendant that inherited them may keep them open
        # after the child has exited, until the child's group is ended below
        reader = threading.Thread(target=self.read_streams, args=(stdout, stderr), daemon=True)
        reader.start()
        returncode = self.proc.wait()
        with self.lock:
            self.exited_at = now_ms()
        if self.timer is not None:
            self.timer.cancel()
        if not WINDOWS:
            kill_tree(self.proc.pid)  # whatever it left behind in its group
        reader.join()
        closed_at = now_ms()
        with running_lock:
            running.pop(self.id, None)
        send({"type": "done", "id": self.id, "outcome": {
            "argv": argv, "pid": self.proc.pid, "startedAtMs": self.started_at, "spawnReturnedAtMs": self.spawn_returned_at, "runningAtMs": self.spawn_returned_at,
            "exitedAtMs": self.exited_at, "closedAtMs": closed_at, "terminationRequestedAtMs": self.termination_requested_at,
            "exitCode": returncode if returncode >= 0 or WINDOWS else None, "signal": signal_name(returncode),
            "timedOut": self.timed_out, "cancelled": self.cancelled, "forcedKill": self.forced_kill,
            "stdout": stdout.result(), "stderr": stderr.result()}})

    def read_streams(self, stdout, stderr):
        if WINDOWS:
            # no select() on pipes there: one reader thread per stream
            readers = [threading.Thread(target=self.drain, args=(stream, capture)) for stream, capture in ((self.proc.stdout, stdout), (self.proc.stderr, stderr))]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()
            return
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ, stdout)
        selector.register(self.proc.stderr, selectors.EVENT_READ, stderr)
        open_streams = 2
        while open_streams > 0:
            for key, _ in selector.select():
                chunk = os.read(key.fd, 65536)
                if chunk:
                    key.data.add(chunk)
                else:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
                    open_streams -= 1
        selector.close()

    @staticmethod
    def drain(stream, capture):
        for chunk in iter(lambda: stream.read(65536), b""):
            capture.add(chunk)
        stream.close()


def main():
    send({"type": "ready", "version": sys.version.split()[0], "executable": sys.executable})
    for line in sys.stdin:
        request = json.loads(line)
        kind = request.get("type")
        if kind == "run":
            Child(request).start()
        elif kind == "cancel":
            with running_lock:
                child = running.get(request["id"])
            if child is not None:
                child.stop("cancel")
    with running_lock:
        children = list(running.values())
    for child in children:
        kill_tree(child.proc.pid)


if __name__ == "__main__":
    main()
