"""Staff pages: rendered from the templates in the page's language, never cached, and errors
shown as pages too.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import Staff, page_language
from api.templating import templates, texts_in

# The middleware marks only HTML no-store; staff pages mark redirects too, as they follow a
# login.
NO_STORE = {"Cache-Control": "no-store"}
# The error texts (inbox.error.<name>) of the statuses that have their own.
_ERROR_TEXTS = {403: "forbidden", 404: "not_found", 409: "conflict", 410: "link_gone"}


def render_page(
    request: Request,
    template: str,
    language: str,
    *,
    staff: Staff | None = None,
    status: int = 200,
    **context: object,
) -> HTMLResponse:
    """A page of the staff layout; `staff` shows who is logged in, with the logout button."""
    return templates.TemplateResponse(
        request,
        template,
        {"language": language, "t": texts_in(language), "staff": staff, **context},
        status_code=status,
    )


def error_page(request: Request, status: int) -> HTMLResponse:
    name = _ERROR_TEXTS.get(status, "invalid" if status in (400, 422) else "other")
    return render_page(request, "error.html", page_language(request), status=status, error=name)


class PageRoute(APIRoute):
    """Makes every answer no-store, and shows errors as pages in their language."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except StarletteHTTPException as error:
                location = (error.headers or {}).get("Location")
                if error.status_code == 303 and location:
                    response = RedirectResponse(location, status_code=303)
                else:
                    response = error_page(request, error.status_code)
            except RequestValidationError:
                response = error_page(request, 422)
            response.headers.update(NO_STORE)
            return response

        return page_handler
