"""The uvicorn side of bench/run.sh: the same workloads as the C# servers, as a plain ASGI 3 application.

    /usr/bin/python3 -m uvicorn asgi_app:app --app-dir bench/python --loop uvloop --http httptools ...

GET /      13 B "Hello, world!", text/plain
GET /64k   65,536 B of a repeating a..z pattern, application/octet-stream
POST /echo the request body back, application/octet-stream

Written the way ASGI applications usually are: message dictionaries built per request, the echo body collected
from every http.request event. Responses carry Content-Length, as starlette's Response sets it: uvicorn 0.17 would
otherwise answer with chunked encoding, and the C# servers send Content-Length.
"""

HELLO = b"Hello, world!"
BIG = bytes(ord("a") + (i % 26) for i in range(65536))
HELLO_HEADERS = [(b"content-type", b"text/plain"), (b"content-length", b"13")]
BIG_HEADERS = [(b"content-type", b"application/octet-stream"), (b"content-length", b"65536")]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return  # uvicorn runs with --lifespan off

    path = scope["path"]
    if path == "/":
        await send({"type": "http.response.start", "status": 200, "headers": HELLO_HEADERS})
        await send({"type": "http.response.body", "body": HELLO})
    elif path == "/64k":
        await send({"type": "http.response.start", "status": 200, "headers": BIG_HEADERS})
        await send({"type": "http.response.body", "body": BIG})
    elif path == "/echo":
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # http.disconnect
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        headers = [(b"content-type", b"application/octet-stream"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    else:
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
