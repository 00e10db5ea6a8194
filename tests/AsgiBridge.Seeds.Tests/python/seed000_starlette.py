# shared/seeds/000 "Working at a higher level", exactly as printed. Both versions fail on uvicorn before responding,
# so the client gets uvicorn's 500: the class never stores self.scope, starlette's Request has no .path (it is
# request.url.path), and a starlette Response is an ASGI 3 callable, which the ASGI 2 function cannot return.
from starlette.requests import Request
from starlette.responses import JSONResponse


class ASGIApplication:
    def __init__(self, scope):
        assert scope["type"] == "http"

    async def __call__(self, receive, send):
        request = Request(scope=self.scope, receive=receive)
        response = JSONResponse({
            "method": request.method,
            "path": request.path,
            "query_params": dict(request.query_params),
        })
        await response(receive, send)


def app(scope):
    assert scope['type'] == 'http'

    request = Request(scope=scope)
    return JSONResponse({
        "method": request.method,
        "path": request.path,
        "query_params": dict(request.query_params),
    })
