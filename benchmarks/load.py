"""Load check for ``POST /api/v1/classify`` against the production server (granian).

Starts ``scam-classifier serve`` (or, if that command is not installed, ``python -m classifier.web.serve``)
on 127.0.0.1 with a free port and the rate limit off, waits for /api/v1/health, then sends requests
from N concurrent client threads until the request budget or the time budget runs out. Prints a
Markdown table (requests/s, p50/p99 latency) and stops the server. Loopback only; stops by itself.

    python benchmarks/load.py --clients 8 --requests 5000 --seconds 30 --workers 2

    python benchmarks/load.py --wrk --seconds 10      # requests sent by wrk (apt install wrk) instead
    python benchmarks/load.py --wrk --baseline        # and the same app under gunicorn, in the same run

The first row is the health check, which runs no model: what this server, client and machine can do at
most, against which the classify rows are read.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = [
    "您好，我是市公安局的民警，您的银行卡涉嫌洗钱，请立即把钱转入安全账户配合调查，不要告诉任何人。",
    "【牛股早知道】王老师今日免费诊股，明早公布一只潜伏翻倍股，回复1进群领取。",
    "您好，我是快递理赔客服，您的包裹丢失，我们将双倍赔偿，请加微信提供银行卡号和验证码办理。",
    "妈，周末我们回家吃饭，你不用准备太多菜，我带点水果过去。",
    "本月工资已发放，请各位同事查收，如有疑问联系财务部。",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(port: int, workers: int) -> list[str]:
    executable = shutil.which("scam-classifier", path=str(Path(sys.executable).parent)) or shutil.which("scam-classifier")
    options = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if executable and subprocess.run([executable, "serve", "--help"], capture_output=True).returncode == 0:
        return [executable, "serve", *options]
    return [sys.executable, "-m", "classifier.web.serve", *options]


def baseline_command(port: int, workers: int) -> list[str]:
    """The plain approach: the same app under gunicorn's threaded worker, as one would deploy Flask first."""
    return [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--threads", "4", "--workers", str(workers),
            "--preload", "--bind", f"127.0.0.1:{port}", "server:app"]


def start_server(command: list[str], port: int, wait: float, model: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "SCAM_CLASSIFIER_RATE_LIMIT": "null"}
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="load-metrics-"))  # as `serve` does
    if model:
        env["SCAM_CLASSIFIER_MODEL_PATH"] = str(Path(model).resolve())
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited with {process.returncode}:\n{process.stderr.read().decode(errors='replace')}")
        try:
            if request(port, "GET", "/api/v1/health")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    sys.exit(f"the server did not answer /api/v1/health within {wait:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the server's main process and its workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def request(port: int, method: str, path: str, body: dict | None = None, connection=None) -> tuple[int, bytes]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if connection is None:
        conn.close()
    return response.status, data


class Budget:
    """Hands out request tickets until the count or the deadline is reached."""

    def __init__(self, requests: int, seconds: float):
        self.left, self.deadline = requests, time.monotonic() + seconds
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


def client(port: int, budget: Budget, explain: bool | None, latencies: list, failures: list, index: int) -> None:
    """Send requests on one kept-alive connection: classify (``explain`` True or False), or with ``explain``
    None the health check, which runs no model: the ceiling of this server, client and machine."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = index
    while budget.take():
        body = None if explain is None else {"text": MESSAGES[n % len(MESSAGES)], "explain": explain}
        n += 1
        start = time.perf_counter()
        try:
            if body is None:
                status, _ = request(port, "GET", "/api/v1/health", None, connection)
            else:
                status, _ = request(port, "POST", "/api/v1/classify", body, connection)
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        elapsed = time.perf_counter() - start
        (latencies if status == 200 else failures).append(elapsed)
    connection.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run(port: int, clients: int, requests: int, seconds: float, explain: bool | None) -> dict:
    budget, latencies, failures = Budget(requests, seconds), [], []
    threads = [threading.Thread(target=client, args=(port, budget, explain, latencies, failures, i)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"ok": len(latencies), "failed": len(failures), "seconds": elapsed,
            "rps": len(latencies) / elapsed if elapsed else 0.0,
            "p50": percentile(latencies, 50) * 1000 if latencies else float("nan"),
            "p99": percentile(latencies, 99) * 1000 if latencies else float("nan")}


WRK_SCRIPT = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n %% #bodies) + 1])
end
"""
_WRK_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def run_wrk(port: int, clients: int, seconds: float, explain: bool | None) -> dict:
    """The same request as :func:`client`, sent by wrk (a load generator in C, ``apt install wrk``): on a
    machine of two cores a Python client takes CPU the server would otherwise have."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as script:
        bodies = ", ".join("[[" + json.dumps({"text": text, "explain": explain}, ensure_ascii=False) + "]]" for text in MESSAGES)
        script.write(WRK_SCRIPT % bodies)
        script.flush()
        path = "/api/v1/health" if explain is None else "/api/v1/classify"
        command = ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds:.0f}s", "--latency",
                   *([] if explain is None else ["-s", script.name]), f"http://127.0.0.1:{port}{path}"]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    total, elapsed = re.search(r"(\d+) requests in ([\d.]+)s", output).groups()
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)", output))
    latency = {q: float(v) * _WRK_UNITS[unit] for q, v, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", output, re.M)}
    return {"ok": int(total) - errors, "failed": errors, "seconds": float(elapsed), "rps": (int(total) - errors) / float(elapsed),
            "p50": latency["50"], "p99": latency["99"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--requests", type=int, default=5000, help="request budget per run (default 5000)")
    parser.add_argument("--seconds", type=float, default=30, help="time budget per run (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument("--model", help="model path (default: the package's built-in model)")
    parser.add_argument("--startup", type=float, default=300, help="seconds to wait for the server (training may happen)")
    parser.add_argument("--wrk", action="store_true", help="send the requests with wrk for --seconds each (apt install wrk)")
    parser.add_argument("--baseline", action="store_true",
                        help="also measure the same app under gunicorn's threaded worker, in the same run (pip install gunicorn)")
    args = parser.parse_args(argv)
    if args.wrk and not shutil.which("wrk"):
        sys.exit("--wrk needs wrk on the PATH (apt install wrk)")
    if args.baseline and subprocess.run([sys.executable, "-m", "gunicorn", "--version"], capture_output=True).returncode:
        sys.exit("--baseline needs gunicorn (pip install gunicorn)")
    servers = {"granian (`scam-classifier serve`)": server_command}
    if args.baseline:
        servers["gunicorn gthread, 4 threads (plain approach)"] = baseline_command
    results = {name: measure(command, args) for name, command in servers.items()}
    sender = "wrk" if args.wrk else "Python threads"
    print(f"Load check: {args.workers} workers, {args.clients} concurrent clients ({sender}), loopback, {os.cpu_count()} CPUs\n")
    print("| server | request | requests OK | failed | seconds | requests/s | p50 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for server, rows in results.items():
        for explain, r in rows:
            name = "`GET /api/v1/health` (no model: the ceiling)" if explain is None else f"classify, explain={str(explain).lower()}"
            print(f"| {server} | {name} | {r['ok']} | {r['failed']} | {r['seconds']:.1f} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} |")
    return 1 if any(r["failed"] for rows in results.values() for _, r in rows) else 0


def measure(command, args) -> list[tuple[bool | None, dict]]:
    """The health check, then classify without and with explanations, against one freshly started server."""
    port = free_port()
    process = start_server(command(port, args.workers), port, args.startup, args.model)
    try:
        run(port, min(args.clients, 2), 20, 10, True)  # warm-up
        if args.wrk:
            return [(explain, run_wrk(port, args.clients, args.seconds, explain)) for explain in (None, False, True)]
        return [(explain, run(port, args.clients, args.requests, args.seconds, explain)) for explain in (None, False, True)]
    finally:
        stop_server(process)


if __name__ == "__main__":
    sys.exit(main())
