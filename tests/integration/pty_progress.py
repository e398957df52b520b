#!/usr/bin/env python3
"""Runs a command with its stdin, stdout and stderr on a pseudo-terminal and records every byte it
writes there. Usage: pty_progress.py CAPTURE_FILE ELAPSED_FILE -- command [args...]
Exits with the command's exit code; writes the real elapsed seconds to ELAPSED_FILE."""
import os, pty, sys, time, select

def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        print(__doc__, file=sys.stderr); return 2
    capture, elapsed_file, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.setdefault("TERM", "xterm-256color")
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    data = bytearray()
    deadline = start + 120
    while True:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk: break
            data += chunk
        if time.monotonic() > deadline:
            os.kill(pid, 9); break
    _, status = os.waitpid(pid, 0)
    with open(capture, "wb") as f: f.write(bytes(data))
    with open(elapsed_file, "w") as f: f.write(f"{time.monotonic() - start:.3f}\n")
    return os.waitstatus_to_exitcode(status)

sys.exit(main())
