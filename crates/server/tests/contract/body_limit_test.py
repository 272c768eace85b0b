"""Ordinary clients read the 413 of a body over --max-body-bytes, rather than a broken pipe.

Python's urllib, requests and curl (without `Expect: 100-continue`) write the whole body before
they read the answer. The server reads and throws away the rest of an over-limit body before it
answers, so each of them reads the problem that names the limit. Run by
scripts/contract-tests.sh against a server started with --max-body-bytes BODY_LIMIT.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import requests

URL = os.environ["SAFEGUARD_URL"]
TOKEN = os.environ["SAFEGUARD_TOKEN"]
LIMIT = int(os.environ["BODY_LIMIT"])
AUTH = {"Authorization": f"SSWS {TOKEN}"}


def check(condition, what):
    if not condition:
        sys.exit(f"body limit: {what}")
    print(f"ok: {what}")


def said_the_limit(status, body, client):
    problem = json.loads(body)
    check(status == 413, f"{client} reads 413 (got {status})")
    check(str(LIMIT) in problem["detail"] and "--max-body-bytes" in problem["detail"],
          f"{client} reads the problem naming the limit")


app = requests.post(f"{URL}/api/v1/apps", json={"name": "HR export"}, headers=AUTH).json()
imports = f"{URL}/api/v1/apps/{app['id']}/imports"
row = "".join(f"E{n},user{n}@example.com\n" for n in range(1000))
body = ("externalId,login\n" + row * (8 * LIMIT // len(row) + 1)).encode()
check(len(body) > 8 * LIMIT, f"the file is {len(body)} bytes, eight times the limit")

# urllib: writes the whole body, then reads.
request = urllib.request.Request(imports, data=body, method="POST",
                                 headers={**AUTH, "Content-Type": "text/csv"})
try:
    urllib.request.urlopen(request, timeout=60)
    check(False, "urllib was refused")
except urllib.error.HTTPError as error:
    said_the_limit(error.code, error.read(), "urllib")

# requests, with the body as a stream of unknown length (chunked, no Content-Length): the
# server finds it over the limit only while reading.
def chunks():
    for at in range(0, len(body), 65536):
        yield body[at:at + 65536]


answer = requests.post(imports, data=chunks(), headers={**AUTH, "Content-Type": "text/csv"},
                       timeout=60)
said_the_limit(answer.status_code, answer.content, "requests (chunked)")

# curl without `Expect: 100-continue`, which would let it stop early.
with tempfile.NamedTemporaryFile(suffix=".csv") as file:
    file.write(body)
    file.flush()
    out = subprocess.run(
        ["curl", "-sS", "-H", "Expect:", "-H", f"Authorization: SSWS {TOKEN}",
         "-H", "Content-Type: text/csv", "--data-binary", f"@{file.name}",
         "-w", "\n%{http_code}", imports],
        capture_output=True, timeout=60, check=False,
    )
    check(out.returncode == 0, f"curl sends it all without an error ({out.stderr.decode().strip()})")
    text, _, status = out.stdout.decode().rpartition("\n")
    said_the_limit(int(status), text, "curl")

population = requests.get(f"{URL}/api/v1/apps/{app['id']}", headers=AUTH).json()["population"]
check(population == 0, "nothing was imported")
print("body limit: passed")
