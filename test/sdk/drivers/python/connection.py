"""Builds the SDK's client and workers for one variant, the way each package's docs set them up.

- plain: durabletask's TaskHubGrpcClient / TaskHubGrpcWorker on `localhost:<port>` (insecure gRPC;
  a task hub other than `default` goes in the `taskhub` header through `metadata`).
- azuremanaged: durabletask-azuremanaged's DurableTaskSchedulerClient / DurableTaskSchedulerWorker
  as its docs set them up for the DTS emulator: an `http://` endpoint, the task hub and no
  credential (the package parses no connection string). For the `--auth` test the endpoint is
  `https://` and a credential's token goes in every call.

The runner's `127.0.0.1:<port>` is used as `localhost:<port>`, the address those docs use.
"""
import logging
import threading
from importlib.metadata import version

from durabletask.client import TaskHubGrpcClient
from durabletask.worker import TaskHubGrpcWorker, WorkItemFilters

import functions

PACKAGES = {"plain": "durabletask", "azuremanaged": "durabletask-azuremanaged"}


class Connection:
    def __init__(self, endpoint: str, taskhub: str, variant: str, tls: bool = False, credential=None):
        host, _, port = endpoint.rpartition(":")
        self.endpoint = f"localhost:{port}" if host == "127.0.0.1" else endpoint
        self.taskhub = taskhub
        self.variant = variant
        self.tls = tls
        self.credential = credential
        self._lock = threading.Lock()
        self._worker: TaskHubGrpcWorker | None = None
        self._extra_workers: list[TaskHubGrpcWorker] = []
        self.client = self.new_client()

    def describe(self) -> dict:
        package = PACKAGES[self.variant]
        return {"sdk": package, "version": version(package), "variant": self.variant}

    def _url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.endpoint}"

    def _plain_metadata(self):
        return None if self.taskhub == "default" else [("taskhub", self.taskhub)]

    def new_client(self, interceptors=None) -> TaskHubGrpcClient:
        """A client; `interceptors` are extra gRPC client interceptors (the SDK's own option)."""
        if self.variant == "plain":
            return TaskHubGrpcClient(host_address=self.endpoint, metadata=self._plain_metadata(),
                                     interceptors=interceptors, logger=quiet_logger("client"))
        from durabletask.azuremanaged.client import DurableTaskSchedulerClient
        return DurableTaskSchedulerClient(
            host_address=self._url(), taskhub=self.taskhub, interceptors=interceptors,
            token_credential=self.credential, secure_channel=self.tls,
            logger=quiet_logger("client"))

    def new_worker(self, register, filters: WorkItemFilters | None = None) -> TaskHubGrpcWorker:
        """A started worker with the functions `register` adds; `filters` makes it declare
        work-item filters."""
        if self.variant == "plain":
            worker = TaskHubGrpcWorker(host_address=self.endpoint, metadata=self._plain_metadata(),
                                       logger=quiet_logger("worker"))
        else:
            from durabletask.azuremanaged.worker import DurableTaskSchedulerWorker
            worker = DurableTaskSchedulerWorker(
                host_address=self._url(), taskhub=self.taskhub,
                token_credential=self.credential, secure_channel=self.tls,
                logger=quiet_logger("worker"))
        register(worker)
        if filters is not None:
            worker.use_work_item_filters(filters)
        worker.start()
        return worker

    def start_worker(self, events, blocking_mode: str = "block") -> None:
        with self._lock:
            if self._worker is None:
                self._worker = self.new_worker(functions.main_functions(events, blocking_mode))

    def stop_worker(self) -> None:
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()

    def add_worker(self, worker: TaskHubGrpcWorker) -> None:
        """Keeps a scenario's extra worker so that close() stops it if the scenario did not."""
        with self._lock:
            self._extra_workers.append(worker)

    def stop_extra_worker(self, worker: TaskHubGrpcWorker) -> None:
        with self._lock:
            if worker in self._extra_workers:
                self._extra_workers.remove(worker)
        worker.stop()

    def close(self) -> None:
        self.stop_worker()
        with self._lock:
            extra, self._extra_workers = self._extra_workers, []
        for worker in extra:
            worker.stop()
        self.client.close()


def quiet_logger(part: str) -> logging.Logger:
    """The SDK logs every call and work item at INFO; warnings and errors are what a failing run
    needs (on stderr, which the runner keeps)."""
    logger = logging.getLogger(f"durabletask-driver.{part}")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
    return logger
