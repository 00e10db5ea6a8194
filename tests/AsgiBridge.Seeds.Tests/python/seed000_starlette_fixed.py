# shared/seeds/000 "Working at a higher level" with the three fixes the article's code needs to run (marked # test:),
# which is what the C# port does too.
from starlette.requests import Request
from starlette.responses import JSONResponse


class ASGIApplication:
    def __init__(self, scope):
        assert scope["type"] == "http"
        self.scope = scope  # test: the article forgot to keep the scope

    async def __call__(self, receive, send):
        request = Request(scope=self.scope, receive=receive)
        response = JSONResponse({
            "method": request.method,
            "path": request.url.path,  # test: starlette's Request has no .path
            "query_params": dict(request.query_params),
        })
        await response(self.scope, receive, send)  # test: a starlette Response is an ASGI 3 callable
