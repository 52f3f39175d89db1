"""Starts `kaoping serve` on a free loopback port in a folder of its own, for the browser
test, the screenshots and the load benchmark. Stops it afterwards."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_binary():
    for config in ("debug", "release"):
        path = os.path.join(ROOT, ".build", config, "kaoping")
        if os.path.exists(path):
            return path
    raise SystemExit("kaoping binary not found: run `swift build` first")


class KaopingServer:
    """`with KaopingServer(binary) as server:` serves an empty workspaces folder at server.url."""

    def __init__(self, binary=None, workspaces=None, extra_args=()):
        self.binary = binary or default_binary()
        self.own_dir = workspaces is None
        self.workspaces = workspaces or tempfile.mkdtemp(prefix="kaoping-serve-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.process = None
        self.log_path = os.path.join(tempfile.gettempdir(), f"kaoping-serve-{self.port}.log")

    def start(self):
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [self.binary, "serve", self.workspaces, "--host", "127.0.0.1", "--port", str(self.port), *self.extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kaoping serve exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"kaoping serve did not answer on {self.url} within 60 s:\n{self.output()}")

    def output(self):
        try:
            self.log.flush()
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def peak_rss_kib(self):
        """The server's peak resident set size (VmHWM) in KiB, while it runs."""
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
        if self.own_dir:
            shutil.rmtree(self.workspaces, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
