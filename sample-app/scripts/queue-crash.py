#!/usr/bin/env python3
"""The sample as four processes in queue mode, one responder killed with SIGKILL.

One process holds the broker (the sample's DevelopmentKafkaBroker, no handlers), two queue
responders answer, one requester serves /quotes over HTTP; four clients ask for quotes in a loop
(the sample's 2 s request timeout). Once the load runs, the responder that handled most is
killed with SIGKILL; the script prints the requests that failed and the degraded windows (500 ms
windows after the kill with a failed request or one over 1 s).

    ./mvnw -q -pl sample-app -am package -DskipTests
    python3 sample-app/scripts/queue-crash.py sample-app/target/sample-app-0.4.0-SNAPSHOT.jar [--arg=value ...]

Arguments after the jar go to every process (each creates the sample's topics if missing, and Spring's
KafkaAdmin adds partitions to a topic that has fewer than it asks for), e.g. --pricing.topics.partitions=4 for the quote
topics of the consumer-group layout (queue mode gives them one partition).
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BEFORE_SECONDS = 10
AFTER_SECONDS = 50
CLIENTS = 4
WINDOW = 0.5
LATE = 1.0


def start(name, jar, args, logs):
    log = open(os.path.join(logs, name + ".log"), "w")
    cmd = ["java", "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar] + args
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT), os.path.join(logs, name + ".log")


def wait_for(path, pattern, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with open(path) as f:
            match = re.search(pattern, f.read())
        if match:
            return match
        time.sleep(0.5)
    raise SystemExit("no '" + pattern + "' in " + path + " within " + str(seconds) + " s")


def handled(port):
    try:
        with urllib.request.urlopen("http://localhost:%d/actuator/requestreply" % port, timeout=10) as r:
            body = json.load(r)
    except Exception:
        return -1
    total = 0

    def walk(node):
        nonlocal total
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "handled" and isinstance(value, int):
                    total += value
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(body)
    return total


def main():
    jar, extra = sys.argv[1], sys.argv[2:]
    logs = tempfile.mkdtemp(prefix="queue-crash-")
    queue = ["--request-reply.handler.queue=true"] + extra
    processes = []
    try:
        broker, broker_log = start("broker", jar, ["--spring.profiles.active=responder", "--server.port=8090",
                                                   "--request-reply.handler.enabled=false"] + queue, logs)
        processes.append(broker)
        servers = wait_for(broker_log, r"embedded Kafka broker at (localhost:\d+)").group(1)
        wait_for(broker_log, r"Started SampleApplication")
        common = ["--spring.kafka.bootstrap-servers=" + servers]
        responders = {}
        for port in (8081, 8082):
            process, path = start("responder-%d" % port, jar, ["--spring.profiles.active=responder",
                                                                "--server.port=%d" % port] + common + queue, logs)
            processes.append(process)
            responders[port] = process
            wait_for(path, r"Started SampleApplication")
        requester, requester_log = start("requester", jar, ["--spring.profiles.active=requester",
                                                            "--server.port=8080"] + common + queue, logs)
        processes.append(requester)
        wait_for(requester_log, r"Started SampleApplication")

        samples = []
        stop = threading.Event()

        def client():
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    with urllib.request.urlopen("http://localhost:8080/quotes/ACME", timeout=10) as r:
                        status = r.status
                except urllib.error.HTTPError as ex:
                    status = ex.code
                except Exception:
                    status = -1
                samples.append((sent, time.monotonic() - sent, status))

        # Warm up until every request succeeds for a few seconds.
        threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(1)
            recent = [s for s in samples if s[0] > time.monotonic() - 3]
            if len(recent) > 10 and all(s[2] == 200 for s in recent):
                break
        time.sleep(BEFORE_SECONDS)
        counts = {port: handled(port) for port in responders}
        victim = max(counts, key=counts.get)
        killed = time.monotonic()
        responders[victim].send_signal(signal.SIGKILL)
        time.sleep(AFTER_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(15)

        before = [s for s in samples if killed - BEFORE_SECONDS <= s[0] < killed]
        after = [s for s in samples if s[0] >= killed]
        failed = [s for s in after if s[2] != 200]
        late = [s for s in after if s[2] == 200 and s[1] > LATE]
        bad = sorted({int((s[0] - killed) / WINDOW) for s in failed + late})
        print("handled before the kill: %s; killed the responder on %d" % (counts, victim))
        print("before the kill: %d requests in %d s, %d failed" % (len(before), BEFORE_SECONDS,
                                                                    len([s for s in before if s[2] != 200])))
        print("after the kill (%d s): %d requests, %d failed, %d over %.0f s" % (AFTER_SECONDS, len(after),
                                                                                len(failed), len(late), LATE))
        if bad:
            print("degraded: %d windows of %.1f s, the first from %.1f s, the last until %.1f s after the kill"
                  % (len(bad), WINDOW, bad[0] * WINDOW, (bad[-1] + 1) * WINDOW))
        else:
            print("degraded: no window of %.1f s with a failed or late request" % WINDOW)
        print("logs in " + logs)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
