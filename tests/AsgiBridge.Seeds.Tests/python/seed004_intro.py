# shared/seeds/004 "Introduction to ASGI" (ASGI 3.0): the class app, the function app and the middleware.
class ASGIApp():

    async def __call__(self, scope, receive, send):
        message = await receive()
        await send({
            "type": "http.response.start",
            "status": 200,
            "headers": []
        })
        await send({
            'type': 'http.response.body',
            'body': bytes('hello world', 'utf-8')
        })

app = ASGIApp()


async def function_app(scope, receive, send):  # test: the article names it app too
    message = await receive()
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": []
    })
    await send({
        'type': 'http.response.body',
        'body': bytes('hello world', 'utf-8')
    })


class ASGIMiddleware():
    def __init__(self, asgi_app):
        self.asgi_app = asgi_app

    async def __call__(self, scope, send, receive):
        # We have to copy the scope before modifying it to prevent changes
        # from leaking upstream:
        new_scope = dict(scope)
        new_scope['some_param'] = True
        await self.asgi_app(new_scope, send, receive)

# The article wraps the class itself (ASGIMiddleware(ASGIApp)), so every request constructs an ASGIApp from
# (scope, receive, send) and fails with a TypeError before responding: uvicorn answers 500.
middleware_app = ASGIMiddleware(ASGIApp)  # test: the article's second "app"


async def reports_some_param(scope, receive, send):  # test wiring: shows what the middleware passes on
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": [[b"content-type", b"text/plain"]]})
    await send({"type": "http.response.body", "body": repr(scope.get('some_param')).encode()})

fixed_middleware_app = ASGIMiddleware(reports_some_param)  # test wiring: the middleware around an app instance
