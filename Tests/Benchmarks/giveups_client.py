#!/usr/bin/env python3
"""A burst of requests through retryd, as fast as CLIENTS keep-alive connections allow: prints one line
`elapsed=S requests=N statuses=502:N,...` for giveups.sh. Standard library only."""
import http.client
import sys
import threading
import time
from collections import Counter

port, total, clients = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
lock = threading.Lock()
next_index = 0
statuses = Counter()


def worker():
    global next_index
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    local = Counter()
    while True:
        with lock:
            if next_index >= total:
                break
            index = next_index
            next_index += 1
        try:
            connection.request("POST", f"/v1/jobs/{index}?api_key=bench", body=b'{"preset":"hls"}',
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            local[response.status] += 1
        except (OSError, http.client.HTTPException):
            local["error"] += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    with lock:
        statuses.update(local)


threads = [threading.Thread(target=worker) for _ in range(clients)]
start = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - start
print(f"elapsed={elapsed:.3f} requests={sum(statuses.values())} "
      + "statuses=" + ",".join(f"{k}:{v}" for k, v in sorted(statuses.items(), key=str)))
