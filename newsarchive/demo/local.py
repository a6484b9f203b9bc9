"""One way to serve HTTP on a loopback address from a daemon thread: :class:`LocalServer`.

The demo site serves through it, and so do the sites the tests and benchmarks crawl; each gives
it a request handler class and adds its own facts. A handler reaches the server it belongs to
with :meth:`LocalServer.of`. Binding skips ``HTTPServer``'s host-name lookup, and stopping takes
at most a few seconds, so a test that starts a server offline neither hangs nor leaks one.
"""

from __future__ import annotations

import socketserver
import sys
import threading
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast

__all__ = ["LocalServer"]

# How long stop() waits for the serving thread; serve_forever polls its stop flag every 0.1 s.
_JOIN_SECONDS = 5.0


class _Loopback(ThreadingHTTPServer):
    # Handler threads never keep the process alive, nor make server_close() wait for them.
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler_class: type[socketserver.BaseRequestHandler],
        owner: LocalServer,
    ) -> None:
        self.owner = owner
        super().__init__(address, handler_class)

    def server_bind(self) -> None:
        # HTTPServer.server_bind() calls socket.getfqdn(), a DNS lookup that can hang offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not self.owner.quiet(sys.exc_info()[1]):
            super().handle_error(request, client_address)


class LocalServer:
    """Serve ``handler_class`` on ``http://HOST:PORT/`` from a daemon thread.

    ``port=0`` takes any free port; :attr:`port` and :attr:`url` tell which once bound.
    :meth:`bind` opens the socket early (when a page must name the server's own URL before it
    serves); :meth:`start` binds if needed and serves; :meth:`stop` is idempotent. As a context
    manager it starts on entry and stops on exit.
    """

    def __init__(
        self,
        handler_class: type[socketserver.BaseRequestHandler],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "local-server",
    ) -> None:
        self.handler_class = handler_class
        self.host = host
        self.requested_port = port
        self.name = name
        self._httpd: _Loopback | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def of(handler: socketserver.BaseRequestHandler) -> LocalServer:
        """The LocalServer whose socket ``handler`` answers on."""
        return cast(_Loopback, handler.server).owner

    def quiet(self, error: BaseException | None) -> bool:
        """Whether a handler's ``error`` goes unreported (by default every one is reported)."""
        return False

    # -- lifecycle --------------------------------------------------------------------------
    def bind(self) -> None:
        """Open the listening socket (idempotent; raises OSError when the port is taken)."""
        if self._httpd is None:
            self._httpd = _Loopback((self.host, self.requested_port), self.handler_class, self)

    def start(self) -> Self:
        """Bind if not yet bound and serve in a daemon thread; returns self."""
        if self._thread is not None:
            raise RuntimeError(f"{type(self).__name__} already started")
        self.bind()
        assert self._httpd is not None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"{self.name}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        httpd, thread = self._httpd, self._thread
        self._httpd, self._thread = None, None
        if httpd is not None:
            # shutdown() waits for serve_forever to notice: without a serving thread, forever.
            if thread is not None:
                httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=_JOIN_SECONDS)

    def wait(self) -> None:
        """Block until the serving thread ends (Ctrl-C interrupts)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- facts ------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not bound: call start() first")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://HOST:PORT/`` (with the trailing slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"
