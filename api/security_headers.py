"""Security headers on every answer of the API: pages, JSON, static files, redirects and errors.

A pure ASGI middleware, so it also covers what no route produced (404s, 405s, the refusals of
api.body_limit and api.rate_limits) and the 500 of an unhandled exception.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No 'unsafe-inline' anywhere: pages load their script and style from /static, and pass data
# to the script in a <script type="application/json"> block, which is not executed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    # SMS links carry a token in their URL: no other site may learn it from a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# Pages may show a person's details: no browser or proxy cache keeps them.
HTML_CACHE_CONTROL = "no-store"

_INTERNAL_ERROR = b"Internal Server Error"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])  # optional in ASGI; MutableHeaders needs it
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Cache-Control", HTML_CACHE_CONTROL)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette's own 500 is sent outside every middleware, so it would go out bare;
            # answer it here, then re-raise so the error is still logged as before.
            if not started:
                await send_with_headers(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(_INTERNAL_ERROR)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": _INTERNAL_ERROR})
            raise
