# shared/seeds/000 "Working with ASGI and HTTP": example.py, the first "Hello, World!" application (ASGI 2 shape:
# uvicorn's interface "auto" sees a plain function taking the scope and calls it as a double callable).
def app(scope):
    assert scope["type"] == "http"  # Ignore anything other than HTTP

    async def asgi(receive, send):
        await send({
            "type": "http.response.start",
            "status": 200,
            "headers": [
                [b"content-type", b"text/plain"],
            ],
        })
        await send({
            "type": "http.response.body",
            "body": b"Hello, World!",
        })

    return asgi
