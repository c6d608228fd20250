"""The gunicorn worker the service runs: gthread, minus the ``Server`` header.

Threads keep a worker answering while a few slow clients trickle their requests in (the sync worker
froze behind two of them); gunicorn 24+ also hands a connection that sends nothing for 5 s back to
its poller instead of holding a thread. Behind a reverse proxy that buffers requests (nginx), slow
clients never reach the workers at all; the README's service section says how.
"""

from __future__ import annotations

from gunicorn.http import wsgi
from gunicorn.workers.gthread import ThreadWorker


class QuietResponse(wsgi.Response):
    """A response that does not announce the server software and version."""

    def default_headers(self):
        return [line for line in super().default_headers() if not line.startswith("Server:")]


class Worker(ThreadWorker):
    def init_process(self):
        wsgi.Response = QuietResponse  # what wsgi.create builds for every HTTP/1 request in this process
        super().init_process()
