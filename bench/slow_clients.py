#!/usr/bin/python3
"""Issue 30's probe of slow clients: ADDRESSES loopback addresses x PER connections that
send one byte of a request's headers every 2 s (or, with --upload, anonymous uploads that
send one byte of body every 2 s), while /healthz is asked from another address once a
second. Bounded: SECONDS in all, loopback only. Prints how many /healthz answered.
Usage: slow_clients.py PORT [--addresses 4] [--per 256] [--seconds 20] [--upload]"""
import argparse, socket, time

p = argparse.ArgumentParser()
p.add_argument("port", type=int)
p.add_argument("--addresses", type=int, default=4)
p.add_argument("--per", type=int, default=256)
p.add_argument("--seconds", type=int, default=20)
p.add_argument("--upload", action="store_true")
a = p.parse_args()

head = (b"PUT /v1/cases/1/files/signed_copy?filename=a.pdf HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/pdf\r\nContent-Length: 20000000\r\n\r\n") if a.upload else b""
trickle = b"%PDF" + b"x" * 10000 if a.upload else b"GET /v1/cases HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"y" * 10000
conns = []
for i in range(a.addresses):
    for _ in range(a.per):
        s = socket.socket()
        s.bind((f"127.0.0.{i + 2}", 0))
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", a.port))
            if head:
                s.sendall(head)
            conns.append(s)
        except OSError:
            s.close()
print(f"opened {len(conns)} slow connections from {a.addresses} addresses")

answered = asked = 0
step = 0
end = time.time() + a.seconds
while time.time() < end:
    for s in list(conns):
        try:
            s.send(trickle[step:step + 1])
        except OSError:
            conns.remove(s)
    step += 1
    for _ in range(2):
        asked += 1
        h = socket.socket()
        h.bind(("127.0.0.250", 0))
        h.settimeout(1)
        try:
            h.connect(("127.0.0.1", a.port))
            h.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            if h.recv(64).startswith(b"HTTP/1.1 200"):
                answered += 1
        except OSError:
            pass
        h.close()
        time.sleep(1)
print(f"/healthz answered {answered} of {asked}; {len(conns)} slow connections still open")
for s in conns:
    s.close()
