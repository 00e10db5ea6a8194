# The apps of the porting contract (issue 11), in the shapes users write them on uvicorn. Each one has a C# twin in
# Ports/ContractApps.cs; the side-by-side tests serve both and compare what a client sees. PROBE lines report what an
# app observed that a client cannot see.
import asyncio
import json


def probe(name, **fields):
    print('PROBE ' + json.dumps({'probe': name, **fields}), flush=True)


async def uppercase_headers(scope, receive, send):
    # 1. Upper-case response header names, as many articles write them.
    await receive()
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'Content-Type', b'text/plain'], [b'X-Special', b'Yes']]})
    await send({'type': 'http.response.body', 'body': b'upper-case names'})


async def header_bytes(scope, receive, send):
    # 2. Header bytes both ways: the request's x-name value as hex, and sent back unchanged as x-echo.
    value = dict(scope['headers']).get(b'x-name', b'')
    if scope['type'] == 'websocket':
        await receive()
        await send({'type': 'websocket.accept', 'headers': [[b'x-echo', value]]})
        await send({'type': 'websocket.send', 'text': value.hex()})
        await send({'type': 'websocket.close', 'code': 1000})
        return
    await receive()
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain'], [b'x-echo', value]]})
    await send({'type': 'http.response.body', 'body': value.hex().encode()})


async def flush_then_fail(scope, receive, send):
    # 3. Three flushed chunks, then the app fails: the client must get the chunks, then a cut-off response.
    await receive()
    await send({'type': 'http.response.start', 'status': 200, 'headers': [[b'content-type', b'text/plain']]})
    for i in range(3):
        await send({'type': 'http.response.body', 'body': f'chunk {i}\n'.encode(), 'more_body': True})
    raise RuntimeError('failed after flushing three chunks')


async def trailers(scope, receive, send):
    # 4. Trailers only where the extension is advertised (uvicorn 0.17.6 advertises none).
    await receive()
    offered = 'http.response.trailers' in (scope.get('extensions') or {})
    await send({'type': 'http.response.start', 'status': 200, 'trailers': offered,
                'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': b'trailers offered' if offered else b'no trailers'})
    if offered:
        await send({'type': 'http.response.trailers', 'headers': [[b'x-checksum', b'abc']]})


async def ws_gone_before_accept(scope, receive, send):
    # 5. The client leaves after websocket.connect, before the app answered: receive() reports the disconnect.
    message = await receive()
    assert message['type'] == 'websocket.connect'
    probe('connected')
    message = await receive()
    probe('before-accept', message=message)


async def abandoned_receive(scope, receive, send):
    # 6. asyncio.wait_for(receive(), t): a receive that timed out leaves the connection usable.
    if scope['type'] == 'websocket':
        await receive()
        await send({'type': 'websocket.accept'})
        try:
            await asyncio.wait_for(receive(), 0.2)
            await send({'type': 'websocket.send', 'text': 'no timeout'})
        except asyncio.TimeoutError:
            await send({'type': 'websocket.send', 'text': 'timed out'})
        message = await receive()
        await send({'type': 'websocket.send', 'text': 'got ' + message.get('text', '')})
        await send({'type': 'websocket.close', 'code': 1000})
        return
    try:
        await asyncio.wait_for(receive(), 0.2)
        first = b'no timeout\n'
    except asyncio.TimeoutError:
        first = b'timed out\n'
    await send({'type': 'http.response.start', 'status': 200, 'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': first, 'more_body': True})
    message = await receive()
    await send({'type': 'http.response.body', 'body': b'got ' + message.get('body', b'')})


async def lifespan_fails(scope, receive, send):
    # 7. A startup that fails: uvicorn exits with code 3 and logs the app's message.
    if scope['type'] == 'lifespan':
        message = await receive()
        assert message['type'] == 'lifespan.startup'
        await send({'type': 'lifespan.startup.failed', 'message': 'the database is unreachable'})
        return
    raise RuntimeError('never served')


async def lifespan_unsupported(scope, receive, send):
    # 7. An app that raises on the lifespan scope does not support lifespan: one line, then it serves requests.
    if scope['type'] != 'http':
        raise ValueError(f"Unknown scope type: {scope['type']}")
    await receive()
    await send({'type': 'http.response.start', 'status': 200, 'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': b'served without lifespan'})


async def ws_close_codes(scope, receive, send):
    # 9. What the app is told when the client breaks the protocol; the tests compare it with the close frame on the wire.
    await receive()
    await send({'type': 'websocket.accept'})
    while True:
        message = await receive()
        if message['type'] == 'websocket.disconnect':
            probe('close-code', code=message.get('code'))
            return
