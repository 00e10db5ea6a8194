# shared/seeds/002 "Hello ASGI": the ASGI 2 app that dumps its scope, exactly as printed (module attribute "asgi").
# It sends "http.disconnect", which is a receive event: uvicorn raises from send after the response completed, so
# the client still gets the whole response and the error is only logged.
import json


def asgi(scope):
    async def chat(receive, send):
        await receive()
        await send({
            'type': 'http.response.start',
            'status': 200,
            'headers': [
                [b'Content-Type', b'application/json'],
            ],
        })
        await send({
            'type': 'http.response.body',
            'body': json.dumps(scope, default=bytes.decode).encode(),
        })
        await send({
            'type': 'http.disconnect',
        })
    return chat
