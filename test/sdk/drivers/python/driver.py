"""The Python SDK driver of the SDK matrix: a JSON-lines command loop (test/sdk/README.md).

Started by the Node runner as `python driver.py --endpoint 127.0.0.1:<port> --taskhub <hub>
--variant plain|azuremanaged`. It reads one command per line on stdin and writes one reply per
line on stdout; the SDKs' own logging goes to stderr. Commands run concurrently on a thread pool
(scenarios run concurrently), so replies may come out of order; each echoes its `seq`. Closing
stdin stops the workers and exits 0. This file owns only the loop; the SDK objects are built in
connection.py, the scenarios live in scenarios.py and the fault commands in faults.py.
"""
import argparse
import json
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

from connection import Connection
import faults
import scenarios

# Scenarios block on the SDK's synchronous client, so each needs its own thread; the catalogue
# runs at most a few dozen at once.
COMMAND_THREADS_MAX = 64


class Replies:
    """Serialises reply and event lines from many threads onto the real stdout."""

    def __init__(self, stream):
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, reply: dict) -> None:
        line = json.dumps(reply, separators=(",", ":"))
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


def handle(connection: Connection, replies: Replies, command: dict) -> dict:
    name = command.get("cmd")
    if name == "hello":
        return {"ok": True, **connection.describe()}
    if name == "start-worker":
        connection.start_worker(replies, command.get("blockingActivity", "block"))
        return {"ok": True}
    if name == "stop-worker":
        connection.stop_worker()
        return {"ok": True}
    if name == "schedule":
        return {"ok": True, **faults.schedule(connection, command)}
    if name == "wait":
        return {"ok": True, **faults.wait(connection, command)}
    if name == "scenario":
        observed = scenarios.run(connection, command["id"], command.get("input") or {})
        return {"ok": True, "observed": observed}
    raise ValueError(f"unknown command {name!r}")


def answer(connection: Connection, replies: Replies, command: dict) -> None:
    seq = command.get("seq")
    try:
        reply = handle(connection, replies, command)
    except Exception as error:  # reported to the runner, which fails the scenario
        traceback.print_exc(file=sys.stderr)
        reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    replies.send({"seq": seq, **reply})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--taskhub", required=True)
    parser.add_argument("--variant", choices=["plain", "azuremanaged"], required=True)
    # The --auth test: an https endpoint and a token from azure-identity's managed-identity flow
    # (IDENTITY_ENDPOINT and IDENTITY_HEADER in the environment), for the azuremanaged variant.
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--managed-identity-client-id")
    args = parser.parse_args()
    if (args.tls or args.managed_identity_client_id) and args.variant != "azuremanaged":
        parser.error("--tls and --managed-identity-client-id are for the azuremanaged variant")

    replies = Replies(sys.stdout)
    # Anything else that prints (user code, libraries) must not corrupt the reply stream.
    sys.stdout = sys.stderr
    credential = None
    if args.managed_identity_client_id:
        from azure.identity import ManagedIdentityCredential
        credential = ManagedIdentityCredential(client_id=args.managed_identity_client_id)
    connection = Connection(args.endpoint, args.taskhub, args.variant, tls=args.tls, credential=credential)
    with ThreadPoolExecutor(max_workers=COMMAND_THREADS_MAX) as pool:
        for line in sys.stdin:
            if line.strip() == "":
                continue
            try:
                command = json.loads(line)
            except json.JSONDecodeError as error:
                replies.send({"seq": None, "ok": False, "error": f"unparseable command: {error}"})
                continue
            pool.submit(answer, connection, replies, command)
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
