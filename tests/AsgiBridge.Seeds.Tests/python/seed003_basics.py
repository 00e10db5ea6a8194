# shared/seeds/003 "Fundamentals": the basic application, debug_scope, the class-based router with its handlers, the
# request body parsers and the basic WebSocket handler. The article prints the code without indentation; it is
# re-indented here and otherwise unchanged. Lines marked "# test wiring" mount the handlers on the article's app.
import json


async def application(scope, receive, send):
    """
    ASGI application callable
    Args:
    scope: Dict containing connection information
    receive: Callable to receive messages from client
    send: Callable to send messages to client
    """
    if scope['type'] == 'http':
        await handle_http(scope, receive, send)
    elif scope['type'] == 'websocket':
        await handle_websocket(scope, receive, send)
    else:
        raise ValueError(f"Unknown scope type: {scope['type']}")


async def handle_http(scope, receive, send):
    """Handle HTTP requests"""
    await send({
        'type': 'http.response.start',
        'status': 200,
        'headers': [[b'content-type', b'text/plain']],
    })
    await send({
        'type': 'http.response.body',
        'body': b'Hello World',
    })


async def debug_scope(scope, receive, send):
    """Print scope information"""
    import json
    # HTTP scope information
    if scope['type'] == 'http':
        method = scope['method']
        path = scope['path']
        query_string = scope.get('query_string', b'').decode('utf-8')
        headers = {k.decode(): v.decode() for k, v in scope.get('headers', [])}
        scope_info = {
            'type': scope['type'],
            'method': method,
            'path': path,
            'query_string': query_string,
            'headers': headers,
            'server': scope.get('server'),
            'client': scope.get('client'),
            'asgi': scope.get('asgi'),
        }
        response_body = json.dumps(scope_info, indent=2).encode('utf-8')
        await send({
            'type': 'http.response.start',
            'status': 200,
            'headers': [[b'content-type', b'application/json']],
        })
        await send({
            'type': 'http.response.body',
            'body': response_body,
        })


class ASGIApplication:
    def __init__(self, config=None):
        self.config = config or {}
        self.http_routes = {}
        self.websocket_routes = {}

    async def __call__(self, scope, receive, send):
        """Make the class callable as ASGI app"""
        if scope['type'] == 'http':
            await self.handle_http(scope, receive, send)
        elif scope['type'] == 'websocket':
            await self.handle_websocket(scope, receive, send)
        else:
            raise ValueError(f"Unknown scope type: {scope['type']}")

    async def handle_http(self, scope, receive, send):
        method = scope['method']
        path = scope['path']
        # Route handling
        handler = self.http_routes.get((method, path))
        if handler:
            await handler(scope, receive, send)
        else:
            await self.not_found(scope, receive, send)

    async def handle_websocket(self, scope, receive, send):
        path = scope['path']
        handler = self.websocket_routes.get(path)
        if handler:
            await handler(scope, receive, send)
        else:
            await send({'type': 'websocket.close', 'code': 1000})

    async def not_found(self, scope, receive, send):
        await send({
            'type': 'http.response.start',
            'status': 404,
            'headers': [[b'content-type', b'text/plain']],
        })
        await send({
            'type': 'http.response.body',
            'body': b'Not Found',
        })

    def add_http_route(self, method, path, handler):
        self.http_routes[(method, path)] = handler

    def add_websocket_route(self, path, handler):
        self.websocket_routes[path] = handler


# Usage
app = ASGIApplication()


async def home_handler(scope, receive, send):
    await send({
        'type': 'http.response.start',
        'status': 200,
        'headers': [[b'content-type', b'text/html']],
    })
    await send({
        'type': 'http.response.body',
        'body': b'<h1>Home Page</h1>',
    })


async def api_handler(scope, receive, send):
    await send({
        'type': 'http.response.start',
        'status': 200,
        'headers': [[b'content-type', b'application/json']],
    })
    await send({
        'type': 'http.response.body',
        'body': b'{"message": "API Response"}',
    })


app.add_http_route('GET', '/', home_handler)
app.add_http_route('GET', '/api', api_handler)


async def parse_request_body(scope, receive):
    """Parse request body from ASGI messages"""
    body = b''
    while True:
        message = await receive()
        if message['type'] == 'http.request':
            body += message.get('body', b'')
            if not message.get('more_body', False):
                break
        else:
            break
    return body


async def parse_json_request(scope, receive, send):
    """Parse JSON request body"""
    import json
    try:
        body = await parse_request_body(scope, receive)
        if body:
            data = json.loads(body.decode('utf-8'))
        else:
            data = {}
        # Echo back the JSON data
        response_data = {
            'received': data,
            'method': scope['method'],
            'path': scope['path']
        }
        response_body = json.dumps(response_data).encode('utf-8')
        await send({
            'type': 'http.response.start',
            'status': 200,
            'headers': [[b'content-type', b'application/json']],
        })
        await send({
            'type': 'http.response.body',
            'body': response_body,
        })
    except json.JSONDecodeError:
        await send({
            'type': 'http.response.start',
            'status': 400,
            'headers': [[b'content-type', b'text/plain']],
        })
        await send({
            'type': 'http.response.body',
            'body': b'Invalid JSON',
        })


async def parse_form_request(scope, receive, send):
    """Parse form-encoded request body"""
    from urllib.parse import parse_qs
    body = await parse_request_body(scope, receive)
    # Parse form data
    form_data = {}
    content_type = dict(scope.get('headers', [])).get(b'content-type', b'').decode()
    if content_type.startswith('application/x-www-form-urlencoded'):
        form_data = parse_qs(body.decode('utf-8'))
    response_data = {
        'form_data': form_data,
        'method': scope['method'],
        'path': scope['path']
    }
    response_body = json.dumps(response_data).encode('utf-8')
    await send({
        'type': 'http.response.start',
        'status': 200,
        'headers': [[b'content-type', b'application/json']],
    })
    await send({
        'type': 'http.response.body',
        'body': response_body,
    })


async def websocket_handler(scope, receive, send):
    """Basic WebSocket handler"""
    # Accept the WebSocket connection
    await send({'type': 'websocket.accept'})
    try:
        while True:
            # Wait for messages from client
            message = await receive()
            if message['type'] == 'websocket.receive':
                # Handle text and binary messages
                if 'text' in message:
                    text = message['text']
                    # Echo back the message
                    await send({
                        'type': 'websocket.send',
                        'text': f'Echo: {text}'
                    })
                elif 'bytes' in message:
                    data = message['bytes']
                    # Echo back binary data
                    await send({
                        'type': 'websocket.send',
                        'bytes': data
                    })
            elif message['type'] == 'websocket.disconnect':
                # Client disconnected
                print('PROBE ' + json.dumps({'probe': 'echo-disconnect', 'code': message.get('code')}))  # test wiring
                break
    except Exception as e:
        # Handle errors
        await send({
            'type': 'websocket.close',
            'code': 1011,  # Internal error
            'reason': str(e)
        })


app.add_http_route('GET', '/debug', debug_scope)  # test wiring
app.add_http_route('POST', '/echo', parse_json_request)  # test wiring
app.add_http_route('POST', '/form', parse_form_request)  # test wiring
app.add_websocket_route('/ws', websocket_handler)  # test wiring
