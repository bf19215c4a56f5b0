"""The service worker at the site's root, so that its scope covers every list page (`/lists/<id>`).

Served by a route, not as a static file: NiceGUI's static files live under `/_nicegui/`, and a worker's scope cannot
reach above its own path without `Service-Worker-Allowed`. `no-cache` makes browsers check for a new worker on
every registration instead of keeping an old one for a day.
"""
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response

SCRIPT = Path(__file__).with_name('sw.js')


def install_service_worker(app: FastAPI) -> None:
    script = SCRIPT.read_bytes()

    @app.get('/sw.js', include_in_schema=False)
    def service_worker() -> Response:
        return Response(script, media_type='text/javascript',
                        headers={'Service-Worker-Allowed': '/', 'Cache-Control': 'no-cache'})
