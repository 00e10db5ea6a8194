# shared/seeds/001 "ASGI ? What is it simply ?": the hello world app.
async def app(scope, receive, send):
    assert scope["type"] == "http" ## We usually start by checking the type and the method specified in the scope
    assert scope["method"] == "GET"
    msg = await receive()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [[b"content-type", b"text/plain"]],
        }
    )
    await send(
        {
            "type": "http.response.body",
            "body": b"Hello, world!",
        }
    )
