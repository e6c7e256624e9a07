#!/usr/bin/env python3
"""Regenerates tshark-reference.tsv: what tshark says about every capture in this folder.

The Java tests never run tshark. They render the same table from org.tutti.protocol.testing's
own pcap/pcapng reader and compare it with this file: a SHA-256 digest of the full per-frame
table for each capture, plus a readable subset of rows (every TCP frame, every 63-byte exit
datagram, the first 20 frames, frames named in the protocol spec, and every 100th frame).

Row columns (tab-separated):
  capture, frame.number, capture time in µs since the epoch, frame.len,
  then "-" for a frame that is neither UDP nor TCP, or
  udp|tcp, src address, src port, dst address, dst port, payload length, CRC-32 of the payload (hex),
  and for TCP also the raw sequence number and the flags (decimal).
IPv6 addresses are written as 8 uncompressed hex groups without leading zeros (0:0:0:0:0:0:0:1),
the way java.net.Inet6Address.getHostAddress() writes them.

usage: python3 tshark-reference.py > tshark-reference.tsv     (run in this folder; needs tshark)
"""
import hashlib
import ipaddress
import os
import subprocess
import zlib

NAMED_FRAMES = {4, 6, 11, 748, 749, 750, 753}
FIELDS = ["frame.number", "frame.time_epoch", "frame.len", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
          "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport", "udp.payload", "tcp.payload",
          "tcp.seq_raw", "tcp.flags"]


def address(text):
    ip = ipaddress.ip_address(text)
    if ip.version == 4:
        return str(ip)
    return ":".join(format(int(group, 16), "x") for group in ip.exploded.split(":"))


def rows(pcap):
    command = ["tshark", "-r", pcap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for field in FIELDS:
        command += ["-e", field]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        d = dict(zip(FIELDS, line.split("\t")))
        seconds, _, fraction = d["frame.time_epoch"].partition(".")
        micros = int(seconds) * 1_000_000 + int((fraction + "000000")[:6])
        row = [d["frame.number"], str(micros), d["frame.len"]]
        kind = "udp" if d["udp.srcport"] else "tcp" if d["tcp.srcport"] else None
        if kind is None:
            row.append("-")
        else:
            payload = bytes.fromhex(d[kind + ".payload"] or "")
            row += [kind, address(d["ip.src"] or d["ipv6.src"]), d[kind + ".srcport"],
                    address(d["ip.dst"] or d["ipv6.dst"]), d[kind + ".dstport"],
                    str(len(payload)), format(zlib.crc32(payload), "x")]
            if kind == "tcp":
                row += [d["tcp.seq_raw"], str(int(d["tcp.flags"], 16))]
        yield row


def main():
    version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    print("# What tshark reports for each capture; regenerate with tshark-reference.py (see its docstring).")
    print("# " + version)
    for name in sorted(n for n in os.listdir(".") if os.path.isdir(n)):
        table = list(rows(os.path.join(name, name + ".pcap")))
        text = "".join("\t".join(row) + "\n" for row in table)
        print("\t".join(["#digest", name, str(len(table)), hashlib.sha256(text.encode()).hexdigest()]))
        for row in table:
            number = int(row[0])
            if (number <= 20 or number in NAMED_FRAMES or number % 100 == 0
                    or row[3] == "tcp" or (row[3] == "udp" and row[8] == "63")):
                print("\t".join([name] + row))


if __name__ == "__main__":
    main()
