"""Seeds a running `osic serve --demo` with agreements over its API, for the page
benchmarks: N cases started by staff, one in every K submitted to the OSIC head.
Usage: seed_cases.py BASE_URL STAFF_TOKEN N K"""
import http.client
import json
import sys
import threading
import urllib.parse

base, token, total, every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
url = urllib.parse.urlparse(base)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def worker(first, count):
    conn = http.client.HTTPConnection(url.hostname, url.port)
    for i in range(first, first + count):
        body = {"workflow": "agreement", "title": f"Agreement {i}",
                "data": {"partner": f"University {i}", "country": "FR", "budget": i * 1000}}
        conn.request("POST", "/v1/cases", json.dumps(body), headers)
        r = conn.getresponse()
        case = json.loads(r.read())
        if r.status != 201:
            raise SystemExit(f"start failed: {r.status} {case}")
        if i % every == 0:
            conn.request("POST", f"/v1/cases/{case['id']}/actions/submit", "{}", headers)
            r = conn.getresponse()
            r.read()


threads = [threading.Thread(target=worker, args=(t * (total // 8), total // 8)) for t in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
