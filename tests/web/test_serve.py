"""The service under the real server (granian): slow clients, the access log, headers and the server's own limits."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_service(model, log):
    """`python -m classifier.web.serve` on a free port: (url, port, process), stopped at the end."""
    port = free_port()
    env = {**os.environ, "SCAM_CLASSIFIER_RATE_LIMIT": "null"}
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "classifier.web.serve", "--model", str(model), "--port", str(port), "--workers", "2"],
            stdout=out, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/api/v1/health", timeout=2)
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        try:
            yield url, port, process
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def service(saved_model, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "service.log"
    with running_service(saved_model, log) as (url, port, _):
        yield url, port, log


def slow_client(port: int, lines: int, pause: float, answers: list) -> None:
    """Sends a request one header line every ``pause`` seconds (a bounded slowloris); keeps the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
        for number in range(lines):
            time.sleep(pause)
            sock.sendall(f"X-Slow-{number}: 1\r\n".encode())
        sock.sendall(b"\r\n")
        answers.append(sock.recv(1024))


def test_slow_clients_do_not_stop_the_service(service):
    url, port, _ = service
    answers: list[bytes] = []
    slow = [threading.Thread(target=slow_client, args=(port, 3, 2.0, answers), daemon=True) for _ in range(4)]
    for thread in slow:
        thread.start()
    time.sleep(2.5)  # the slow requests are now in the middle of their headers
    started = time.monotonic()
    for _ in range(5):
        assert urllib.request.urlopen(url + "/api/v1/health", timeout=5).status == 200
    assert time.monotonic() - started < 5
    for thread in slow:
        thread.join(timeout=30)
    assert len(answers) == 4 and all(answer.startswith(b"HTTP/1.1 200") for answer in answers)  # slow, not refused


def test_a_client_that_never_finishes_its_headers_is_disconnected(service):
    from classifier.web.serve import HEADER_READ_TIMEOUT_MS

    _, port, _ = service
    with socket.create_connection(("127.0.0.1", port), timeout=HEADER_READ_TIMEOUT_MS / 1000 + 10) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        answer = sock.recv(1024)  # the server closes the connection (an empty read) or answers 408
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < HEADER_READ_TIMEOUT_MS / 1000 + 5


def test_no_server_software_header_and_a_private_access_log(service):
    url, _, log = service
    request = urllib.request.Request(url + "/api/v1/health?secret=1", headers={"User-Agent": "probe-agent/9"})
    response = urllib.request.urlopen(request, timeout=5)
    assert response.headers["Server"] == "scam-classifier"  # not the server software, nor its version
    time.sleep(0.5)
    lines = [line for line in log.read_text().splitlines() if "/api/v1/health" in line]
    assert lines and lines[-1].startswith("GET /api/v1/health 200")
    assert not any("127.0.0.1" in line or "probe-agent" in line or "secret" in line for line in lines)


def test_the_server_refuses_an_overlong_request_head(service):
    from classifier.web.serve import MAX_REQUEST_HEAD_BYTES

    _, port, _ = service
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /" + b"a" * (MAX_REQUEST_HEAD_BYTES + 1000) + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 431")


def test_a_large_batch_body_still_reaches_the_app(service):
    from classifier.web.serve import MAX_REQUEST_HEAD_BYTES

    url, _, _ = service
    items = [{"id": str(i), "text": "您好，我是快递客服，您的包裹丢失需要理赔，请加微信。" * 20} for i in range(60)]
    body = json.dumps({"messages": items}, ensure_ascii=False).encode()
    assert len(body) > 4 * MAX_REQUEST_HEAD_BYTES  # the head limit is not a body limit
    request = urllib.request.Request(url + "/api/v1/classify/batch", data=body, headers={"Content-Type": "application/json"})
    answer = json.loads(urllib.request.urlopen(request, timeout=30).read())
    assert len(answer["results"]) == 60


def test_metrics_add_up_the_workers(service):
    url, _, _ = service
    for _ in range(12):
        urllib.request.urlopen(url + "/api/v1/health", timeout=5)
    text = urllib.request.urlopen(url + "/metrics", timeout=5).read().decode()
    line = next(line for line in text.splitlines()
                if line.startswith('scam_classifier_requests_total{endpoint="/api/v1/health",status="200"}'))
    assert float(line.split()[-1]) >= 12


def test_sighup_makes_the_workers_serve_the_new_current_model(small_model, corpus, tmp_path):
    from classifier import ScamClassifier

    served = tmp_path / "scam_classifier.joblib"
    small_model.save(served)
    other = ScamClassifier(calibration_folds=2, C=1.0).fit([r["text"] for r in corpus], [r["label"] for r in corpus])
    staged = tmp_path / "next" / "scam_classifier.joblib"
    other.save(staged)
    with running_service(served, tmp_path / "service.log") as (url, _, process):
        def health():
            return json.loads(urllib.request.urlopen(url + "/api/v1/health", timeout=5).read())["model_version"]
        assert health() == small_model.version
        shutil.copyfile(staged, served)
        shutil.copyfile(staged.with_suffix(".json"), served.with_suffix(".json"))
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while {health() for _ in range(6)} != {other.version}:
            assert time.monotonic() < deadline, "the workers still serve the old model"
            time.sleep(0.5)
