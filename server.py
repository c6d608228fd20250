"""The web service as a WSGI app, for any WSGI server (``granian --interface wsgi server:app``), or
``python server.py`` for development.

Production: ``scam-classifier serve`` (granian, the model preloaded; see classifier/web/serve.py).
"""

from classifier.web import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000, debug=False)
