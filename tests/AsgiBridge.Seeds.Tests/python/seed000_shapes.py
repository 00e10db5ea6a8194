# shared/seeds/000 "Different ways to structure ASGI applications": the three shapes. The article leaves their bodies
# as "..."; each is filled with the same body (marked # test:) so the shapes can be compared with one another.
import functools


async def hello(receive, send, shape):  # test: the shared body
    body = b''
    more_body = True
    while more_body:
        message = await receive()
        assert message["type"] == "http.request"  # test: the article's "http.request.body" is not an ASGI type
        body += message.get("body", b"")
        more_body = message.get("more_body", False)
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [
            [b"content-type", b"text/plain"],
        ],
    })
    await send({
        "type": "http.response.body",
        "body": shape.encode() + b" read " + str(len(body)).encode() + b" bytes",
    })


# 1. Using a closure to bind the scope to an ASGI instance...
def app(scope):
    assert scope["type"] == "http"

    async def asgi(receive, send):
        await hello(receive, send, "closure")  # test: was ...

    return asgi


# 2. Using functools.partial to bind the scope to an ASGI instance...
async def asgi_instance(receive, send, scope):
    await hello(receive, send, "partial")  # test: was ...

def asgi_application(scope):
    assert scope["type"] == "http"
    return functools.partial(asgi_instance, scope=scope)


# 3. Using a class-based interface to bind the scope to an ASGI instance...
class ASGIApplication:
    def __init__(self, scope):
        assert scope["type"] == "http"
        self.scope = scope

    async def __call__(self, receive, send):
        await hello(receive, send, "class")  # test: was ...
