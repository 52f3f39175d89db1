#!/usr/bin/env python3
"""Load benchmark of `kaoping serve` (a benchmark, not a test): N concurrent clients on
loopback, each creating a workspace, uploading the 乐昌市 example file by file, writing its
config and evaluating it, as the page does. Prints p50/p95 latency per kind of request and per
whole client, failures, and the server's peak resident memory.

    python3 Benchmarks/serve_load.py [KAOPING_BINARY] [--clients 20]
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Browser"))
from kaoping_server import KaopingServer  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "lechang")
EXPECTED_TOTAL = 89


def example_files():
    out = []
    data = os.path.join(EXAMPLE, "data")
    for folder, _, names in os.walk(data):
        for name in sorted(names):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, EXAMPLE).replace(os.sep, "/")
            with open(path, "rb") as f:
                out.append((rel, f.read()))
    return out


def workspace_config():
    """The example's config with its inputs where the workspace keeps uploads (files/...)."""
    with open(os.path.join(EXAMPLE, "config.yaml"), encoding="utf-8") as f:
        text = f.read()
    return text.replace(" data/", " files/data/").replace("[data/", "[files/data/")


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Client(threading.Thread):
    def __init__(self, n, port, files, config, start_gate, records, failures):
        super().__init__(name=f"client-{n}")
        self.n, self.port, self.files, self.config = n, port, files, config
        self.start_gate, self.records, self.failures = start_gate, records, failures

    def request(self, conn, kind, method, path, body=None, content_type="application/json"):
        headers = {"Origin": f"http://127.0.0.1:{self.port}"}
        if body is not None:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        self.records.append((kind, elapsed))
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {response.status} {data[:300].decode('utf-8', 'replace')}")
        return data

    def run(self):
        self.start_gate.wait()
        began = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        try:
            body = json.dumps({"county": "乐昌市", "template": "guangdong-2019", "cutoff": "2021-08-31"}).encode()
            ws = json.loads(self.request(conn, "create", "POST", "/api/workspaces", body))["id"]
            base = f"/api/workspaces/{urllib.parse.quote(ws)}"
            for rel, data in self.files:
                path = "/".join(urllib.parse.quote(part) for part in rel.split("/"))
                self.request(conn, "upload", "PUT", f"{base}/files/{path}", data, "application/octet-stream")
            self.request(conn, "config", "PUT", f"{base}/config", self.config.encode(), "application/yaml")
            result = json.loads(self.request(conn, "evaluate", "POST", f"{base}/evaluate"))
            if result.get("total") != EXPECTED_TOTAL:
                raise RuntimeError(f"client {self.n}: total {result.get('total')}, expected {EXPECTED_TOTAL}")
            self.request(conn, "workbook", "GET", f"{base}/workbook")
            self.records.append(("client", time.perf_counter() - began))
        except Exception as error:  # noqa: BLE001 - every failure is counted and printed
            self.failures.append(f"client {self.n}: {error}")
        finally:
            conn.close()


def run(binary, clients, files, config):
    """One server, `clients` clients at once; prints the table and returns the failures."""
    size = sum(len(d) for _, d in files)
    print(f"\n{clients} concurrent client(s), each {len(files)} uploads ({size / 1e6:.1f} MB), config, evaluate, workbook")
    with KaopingServer(binary) as server:
        gate = threading.Event()
        records, failures = [], []
        threads = [Client(i, server.port, files, config, gate, records, failures) for i in range(clients)]
        for c in threads:
            c.start()
        began = time.perf_counter()
        gate.set()
        peak = 0
        while any(c.is_alive() for c in threads):
            time.sleep(0.2)
            peak = max(peak, server.peak_rss_kib() or 0)
        wall = time.perf_counter() - began
        peak = max(peak, server.peak_rss_kib() or 0)
    print(f"{'request':<10} {'count':>6} {'p50 ms':>10} {'p95 ms':>10} {'max ms':>10}")
    for kind in ["create", "upload", "config", "evaluate", "workbook", "client"]:
        values = [t for k, t in records if k == kind]
        if values:
            print(f"{kind:<10} {len(values):>6} {percentile(values, 50) * 1000:>10.1f} "
                  f"{percentile(values, 95) * 1000:>10.1f} {max(values) * 1000:>10.1f}")
    every = [t for k, t in records if k != "client"]
    print(f"all requests: {len(every)}, p50 {percentile(every, 50) * 1000:.1f} ms, "
          f"p95 {percentile(every, 95) * 1000:.1f} ms, mean {statistics.mean(every) * 1000:.1f} ms; wall {wall:.1f} s")
    print(f"server peak RSS: {peak / 1024:.1f} MiB; failures: {len(failures)}")
    for f in failures[:10]:
        print("  " + f)
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=os.path.join(ROOT, ".build", "release", "kaoping"))
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    files = example_files()
    config = workspace_config()
    binary = os.path.abspath(args.binary)
    print(f"serve load on loopback, {os.cpu_count()} cores; the baseline is one client alone, in the same run")
    failures = run(binary, 1, files, config)
    failures += run(binary, args.clients, files, config)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
