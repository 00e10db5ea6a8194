# shared/seeds/003 "Server-Sent Events (SSE)": the handler and its page, re-indented and otherwise as printed.
import asyncio
import json
import time


async def sse_handler(scope, receive, send):
    """Server-Sent Events handler"""
    await send({
        'type': 'http.response.start',
        'status': 200,
        'headers': [
            [b'content-type', b'text/event-stream'],
            [b'cache-control', b'no-cache'],
            [b'connection', b'keep-alive'],
            [b'access-control-allow-origin', b'*'],
        ],
    })
    # Send initial connection message
    await send({
        'type': 'http.response.body',
        'body': f'data: {json.dumps({"type": "connected", "timestamp": time.time()})}\n\n'.encode(),
        'more_body': True,
    })
    # Send periodic updates
    counter = 0
    while True:
        try:
            counter += 1
            data = {
                'type': 'update',
                'counter': counter,
                'timestamp': time.time(),
                'message': f'Update #{counter}'
            }
            message = f'data: {json.dumps(data)}\n\n'
            await send({
                'type': 'http.response.body',
                'body': message.encode(),
                'more_body': True,
            })
            await asyncio.sleep(1)  # Send update every second
        except Exception as e:
            # Client disconnected
            break
    # End the response
    await send({
        'type': 'http.response.body',
        'body': b'',
        'more_body': False,
    })


# HTML client for SSE
async def sse_client_handler(scope, receive, send):
    """Serve SSE client HTML"""
    html = """
<!DOCTYPE html>
<html>
<head><title>Server-Sent Events</title></head>
<body>
<h1>Server-Sent Events Demo</h1>
<div id="messages"></div>
<script>
const eventSource = new EventSource('/sse');
const messages = document.getElementById('messages');
eventSource.onmessage = function(event) {
const data = JSON.parse(event.data);
messages.innerHTML += '<div>' +
new Date(data.timestamp * 1000).toLocaleString() +
': ' + data.message + '</div>';
};
eventSource.onerror = function(event) {
messages.innerHTML += '<div>Error: Connection lost</div>';
};
</script>
</body>
</html>
"""
    await send({
        'type': 'http.response.start',
        'status': 200,
        'headers': [[b'content-type', b'text/html']],
    })
    await send({
        'type': 'http.response.body',
        'body': html.encode('utf-8'),
    })


async def app(scope, receive, send):  # test wiring: the page at /, the stream at /sse
    if scope['path'] == '/sse':
        await sse_handler(scope, receive, send)
    else:
        await sse_client_handler(scope, receive, send)
