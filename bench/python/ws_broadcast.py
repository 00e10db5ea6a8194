"""The uvicorn side of bench/ws-broadcast.sh: granian's WebSocket broadcast app (benchmarks/ws/app/asgi.py in
emmett-framework/granian), a plain ASGI 3 application: every message received is sent to every connected client.

    /usr/bin/python3 -m uvicorn ws_broadcast:app --app-dir bench/python --ws websockets --loop uvloop ...
"""

clients = set()


async def broadcast(message):
    for send in list(clients):
        await send(message)


async def app(scope, receive, send):
    if scope["type"] != "websocket":
        return  # uvicorn runs with --lifespan off; no HTTP in this benchmark
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    clients.add(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("bytes") is not None:
                await broadcast({"type": "websocket.send", "bytes": message["bytes"], "text": None})
            else:
                await broadcast({"type": "websocket.send", "bytes": None, "text": message.get("text")})
    finally:
        clients.discard(send)
