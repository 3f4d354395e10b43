"""A gRPC client interceptor that records the size of every page one query method answers.

durabletask's get_all_orchestration_states and get_all_entities follow continuation tokens
themselves and hand back one merged list, so the pages the SDK walked can only be seen on the
wire; the SDK's clients take interceptors for exactly this kind of extension.
"""
import threading

import grpc


class PageCounter(grpc.UnaryUnaryClientInterceptor):
    def __init__(self, method: str, page_size_of):
        self._suffix = f"/{method}"
        self._page_size_of = page_size_of
        self._lock = threading.Lock()
        self.sizes: list[int] = []

    def intercept_unary_unary(self, continuation, client_call_details, request):
        outcome = continuation(client_call_details, request)
        if client_call_details.method.endswith(self._suffix) and outcome.exception() is None:
            with self._lock:
                self.sizes.append(self._page_size_of(outcome.result()))
        return outcome
