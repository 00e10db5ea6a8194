# shared/seeds/001 "Lifespan protocol ?": the lifespan app, exactly as printed.
from starlette.responses import PlainTextResponse
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                print("Do something at startup")
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                print("Do something at shutdown")
                await send({"type": "lifespan.shutdown.complete"})
                return
    else:
        response = PlainTextResponse("Hello, world!")
        await response(scope, receive, send)
