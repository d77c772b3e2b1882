"""The transfer benches' report helpers (scripts/bench-transfer.sh,
scripts/bench-ftps.sh): their Python summary starts with
`from bench_report import *`. Reads the timings file named by sys.argv[1]
("NAME wall user sys maxrss_kb" per run) into `rows`, and prints medians,
each figure's range (so a stall cannot hide in a median) and ratios
against a target.
"""
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_, rss = line.split()
    rows.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss)))
def med(name, i):
    return statistics.median(r[i] for r in rows[name])
def top(name, i):
    return max(r[i] for r in rows[name])
# Each figure with its maximum beside its median: a stall in a few runs
# must not hide in a median.
def show(label, name):
    w, c = med(name, 0), med(name, 1)
    print(f"  {label:<28} wall {w:6.3f} s (max {top(name, 0):6.3f})   cpu {c:6.3f} s (max {top(name, 1):6.3f})   peak rss {top(name, 2) / 1024:5.1f} MiB")
def ratio(what, a, b, i, target):
    r = med(a, i) / med(b, i)
    verdict = "ok" if r <= target else "MISSED"
    print(f"  {what:<34} {r:5.2f} x   (target <= {target}) {verdict}")
def peak(what, names, target):
    p = max(r[2] for n in names for r in rows[n]) / 1024
    verdict = "ok" if p <= target else "MISSED"
    print(f"  {what:<34} {p:5.1f} MiB (target <= {target}) {verdict}")

