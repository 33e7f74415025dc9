#!/usr/bin/env python3
"""The raw floor of an MI client on the local transports: `uptime` calls/s a minimal client gets from a given OpenSIPS.

Companion of ../shared/opensips-server/rawfloor.py (UDP and HTTP), written the same way: no library, one pre-encoded
JSON-RPC request, non-blocking descriptors and epoll, k of them with one call in flight each.
  unix: mi_datagram on a unix socket; k client sockets, each bound to its own path (OpenSIPS answers to the sender).
        Sends block while OpenSIPS's own socket queue is full (it holds net.unix.max_dgram_qlen requests too).
  fifo: mi_fifo; k reply FIFOs created once and reused. Per call the reply FIFO is opened for reading (non-blocking)
        BEFORE the command is written, then read to EOF (OpenSIPS closes it after the reply).
Prints one JSON object per mode: unix_seq, unix_c16, fifo_seq, fifo_c16.
usage: rawfloor_local.py [--unix PATH] [--fifo PATH --reply-dir DIR] [-n N] [-c 16] [--seq-only]
"""
import argparse, json, os, select, socket, stat, tempfile, time

REQ = b'{"jsonrpc":"2.0","method":"uptime","id":%d}'


def unix(path, k, n):
    folder = tempfile.mkdtemp(prefix="rawfloor-")
    socks = []
    try:
        for i in range(k):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(os.path.join(folder, "c%d.sock" % i))
            socks.append(s)
        by_fd = {s.fileno(): s for s in socks}
        ep = select.epoll()
        for s in socks:
            ep.register(s.fileno(), select.EPOLLIN)
        t0, sent, done = time.perf_counter(), 0, 0
        for s in socks:
            s.sendto(REQ % sent, path); sent += 1
        while done < n:
            events = ep.poll(2)
            if not events:
                raise SystemExit("rawfloor_local: no unix reply within 2 s")
            for fd, _ in events:
                s = by_fd[fd]
                s.recv(65536)
                done += 1
                if sent < n:
                    s.sendto(REQ % sent, path); sent += 1
        return n / (time.perf_counter() - t0)
    finally:
        for s in socks:
            s.close()
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def fifo(path, reply_dir, k, n):
    names = ["rawfloor_%d_%d" % (os.getpid(), i) for i in range(k)]
    paths = [os.path.join(reply_dir, name) for name in names]
    for p in paths:
        os.mkfifo(p, 0o600)
        os.chmod(p, 0o622)
    server = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    ep = select.epoll()
    readers = {}

    def send(i, seq):
        fd = os.open(paths[i], os.O_RDONLY | os.O_NONBLOCK)
        readers[fd] = i
        ep.register(fd, select.EPOLLIN)
        os.write(server, b":%s:%s\n" % (names[i].encode(), REQ % seq))

    try:
        t0, sent, done = time.perf_counter(), 0, 0
        for i in range(k):
            send(i, sent); sent += 1
        while done < n:
            events = ep.poll(2)
            if not events:
                raise SystemExit("rawfloor_local: no fifo reply within 2 s")
            for fd, _ in events:
                while True:
                    try:
                        chunk = os.read(fd, 65536)
                    except BlockingIOError:
                        break
                    if not chunk:
                        i = readers.pop(fd)
                        ep.unregister(fd)
                        os.close(fd)
                        done += 1
                        if sent < n:
                            send(i, sent); sent += 1
                        break
        return n / (time.perf_counter() - t0)
    finally:
        os.close(server)
        for fd in readers:
            os.close(fd)
        for p in paths:
            os.unlink(p)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--unix")
    p.add_argument("--fifo")
    p.add_argument("--reply-dir", default="/tmp/")
    p.add_argument("-n", type=int, default=20000)
    p.add_argument("-c", type=int, default=16)
    p.add_argument("--seq-only", action="store_true")
    a = p.parse_args()
    modes = [("seq", 1)] + ([] if a.seq_only else [("c%d" % a.c, a.c)])
    if a.unix:
        if not stat.S_ISSOCK(os.stat(a.unix).st_mode):
            raise SystemExit("rawfloor_local: %s is not a socket" % a.unix)
        for mode, k in modes:
            print(json.dumps({"mode": "unix_" + mode, "calls_per_second": round(unix(a.unix, k, a.n)), "requests": a.n}))
    if a.fifo:
        for mode, k in modes:
            print(json.dumps({"mode": "fifo_" + mode, "calls_per_second": round(fifo(a.fifo, a.reply_dir, k, a.n)), "requests": a.n}))


if __name__ == "__main__":
    main()
