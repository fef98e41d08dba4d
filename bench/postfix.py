"""The store-and-forward anchor: Postfix on the same box, in the same run as axis.

smtp-source sends N messages of SIZE bytes over 20 sessions to a Postfix (on-disk queue, fsync)
that relays each to smtp-sink; we time acceptance and the drained queue, as a mail server
"taking custody of a message and handing it on". That is the bar axis's end-to-end rate is
compared with (docs/performance.md).

This Postfix is private to the bench: its own configuration, queue and data directories under
bench/out/postfix (`postfix -c DIR`), its own free loopback ports and log file. Nothing of the
machine's own mail setup is read after the copy of the stock master.cf, or changed. When Postfix
is not installed, `ensure_installed` tries Debian's package non-interactively (as root only);
if that fails the anchor is skipped with one line saying why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.hubproc import free_port

STOCK_MASTER_CF = Path("/etc/postfix/master.cf")
QUEUES = ("maildrop", "incoming", "active", "deferred", "hold")
SESSIONS = 20


@dataclass
class PostfixRun:
    size_bytes: int
    messages: int
    accept_per_s: float
    e2e_per_s: float
    seconds: float


def ensure_installed() -> str | None:
    """None when Postfix's tools are here (installing Debian's package if we may), else why not."""
    if _have_tools():
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "postfix is not installed and this is not root with apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(
        ["apt-get", "install", "-y", "postfix"], env=env, capture_output=True, text=True
    )
    if done.returncode != 0 or not _have_tools():
        return f"apt-get install postfix failed: {done.stderr.strip()[-200:]}"
    return None


def _have_tools() -> bool:
    return all(shutil.which(tool) for tool in ("postfix", "postconf", "smtp-source", "smtp-sink"))


class PrivatePostfix:
    """A Postfix instance configured and run entirely under ``root`` (bench/out/postfix)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.config_dir = self.root / "etc"
        self.queue_dir = self.root / "spool"
        self.smtp_port = free_port()
        self.sink_port = free_port()

    def configure(self) -> None:
        if self.root.exists():
            shutil.rmtree(self.root)
        self.config_dir.mkdir(parents=True)
        (self.root / "data").mkdir()
        shutil.chown(self.root / "data", user="postfix")
        self.queue_dir.mkdir()  # root-owned; `postfix start` creates the queues inside
        shutil.copy(STOCK_MASTER_CF, self.config_dir / "master.cf")
        (self.config_dir / "main.cf").write_text("compatibility_level = 3.6\n", encoding="utf-8")
        self._postconf(
            f"queue_directory = {self.queue_dir}",
            f"data_directory = {self.root / 'data'}",
            f"maillog_file = {self.root / 'postfix.log'}",
            f"maillog_file_prefixes = {self.root}",
            "syslog_name = postfix-axis-bench",
            "myhostname = bench.axis.invalid",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8",
            f"relayhost = [127.0.0.1]:{self.sink_port}",
            "mydestination =",
            "alias_maps =",
            "alias_database =",
            "local_recipient_maps =",
            "default_destination_concurrency_limit = 20",
            "message_size_limit = 104857600",
            "smtputf8_enable = no",
        )
        # The SMTP listener on our own port; no chroot (the queue directory is ours, not the
        # distribution's prepared jail).
        subprocess.run(["postconf", "-c", str(self.config_dir), "-M#", "smtp/inet"], check=True)
        subprocess.run(
            [
                "postconf",
                "-c",
                str(self.config_dir),
                "-M",
                f"127.0.0.1:{self.smtp_port}/inet = 127.0.0.1:{self.smtp_port} inet n - n - - smtpd",
            ],
            check=True,
        )
        subprocess.run(["postconf", "-c", str(self.config_dir), "-F", "*/*/chroot = n"], check=True)

    def _postconf(self, *settings: str) -> None:
        subprocess.run(["postconf", "-c", str(self.config_dir), "-e", *settings], check=True)

    def start(self) -> None:
        self._postfix("start")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._postfix("stop")

    def _postfix(self, command: str) -> None:
        subprocess.run(
            ["postfix", "-c", str(self.config_dir), command], check=True, capture_output=True
        )

    def queued(self) -> int:
        return sum(
            len(files) for queue in QUEUES for _, _, files in os.walk(self.queue_dir / queue)
        )

    def run(self, messages: int, size_bytes: int, timeout_s: float = 120.0) -> PostfixRun:
        """smtp-source -> this Postfix -> smtp-sink; accept and end-to-end rates."""
        sink = subprocess.Popen(
            ["smtp-sink", "-u", "postfix", f"127.0.0.1:{self.sink_port}", "256"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.3)
            began = time.perf_counter()
            subprocess.run(
                [
                    *("smtp-source", "-s", str(SESSIONS), "-m", str(messages)),
                    *("-l", str(size_bytes), "-f", "a@x.gov.vn", "-t", "b@y.gov.vn"),
                    f"127.0.0.1:{self.smtp_port}",
                ],
                check=True,
                capture_output=True,
            )
            accepted = time.perf_counter()
            deadline = accepted + timeout_s
            while self.queued() and time.perf_counter() < deadline:
                time.sleep(0.02)
            drained = time.perf_counter()
        finally:
            sink.terminate()
            sink.wait()
        if self.queued():
            raise RuntimeError(f"postfix queue not drained in {timeout_s}s; see {self.root}")
        return PostfixRun(
            size_bytes,
            messages,
            messages / (accepted - began),
            messages / (drained - began),
            drained - began,
        )


def measure(root: Path, plans: list[tuple[int, int]]) -> list[PostfixRun] | str:
    """Run each (messages, size_bytes) plan on a private Postfix; a string says why not."""
    why_not = ensure_installed()
    if why_not:
        return why_not
    postfix = PrivatePostfix(root)
    try:
        postfix.configure()
        postfix.start()
    except (subprocess.CalledProcessError, OSError) as exc:
        postfix.stop()
        detail = getattr(exc, "stderr", b"") or b""
        return f"postfix did not start: {exc} {detail.decode(errors='replace')[-300:]}"
    try:
        return [postfix.run(n, size) for n, size in plans]
    finally:
        postfix.stop()
