#!/usr/bin/env python3
"""Time to first screen, memory and idle CPU of the wharf TUI on a big folder.

Starts `wharf URL` in a pseudo-terminal, reads what it draws, and stops the
clock when NEEDLE (the name of the folder's first entry) is drawn. ratatui
sends only changed cells, so the needle must be text that appears on a
fresh row, such as an entry name, not a footer that was partly there.
Then it samples the process: peak resident memory (VmHWM) and CPU used
while idle for a few seconds. Prints one line of JSON.

    bench_first_screen.py WHARF_BINARY URL NEEDLE [RUNS]
"""
import json
import os
import pty
import select
import signal
import statistics
import sys
import time


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def one_run(binary, url, needle, idle_seconds):
    needle = needle.encode()
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary, url])
    # 120 x 40, like a roomy terminal.
    import fcntl, struct, termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    seen = b""
    first = None
    deadline = start + 60
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if fd in r:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            seen = (seen + chunk)[-65536:]
            if needle in seen:
                first = time.monotonic() - start
                break
    if first is None:
        os.kill(pid, signal.SIGKILL)
        raise SystemExit(f"wharf never showed '{needle.decode()}'")
    # Let it settle, then measure idle CPU while draining output.
    time.sleep(0.5)
    t0 = cpu_ticks(pid)
    end = time.monotonic() + idle_seconds
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if fd in r:
            os.read(fd, 1 << 16)
    idle_ticks = cpu_ticks(pid) - t0
    hwm = vm_hwm_kib(pid)
    os.write(fd, b"q")
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    hz = os.sysconf("SC_CLK_TCK")
    return first, hwm, idle_ticks / hz / idle_seconds * 100


def main():
    binary, url, needle = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    results = [one_run(binary, url, needle, 3 if i == 0 else 0.5) for i in range(runs)]
    firsts = [r[0] for r in results]
    print(json.dumps({
        "first_screen_s_median": round(statistics.median(firsts), 3),
        "first_screen_s_all": [round(x, 3) for x in firsts],
        "peak_rss_mib": round(max(r[1] for r in results) / 1024, 1),
        "idle_cpu_percent": round(results[0][2], 2),
    }))


if __name__ == "__main__":
    main()
