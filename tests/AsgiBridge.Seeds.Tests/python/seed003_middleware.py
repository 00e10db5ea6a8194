# shared/seeds/003 "ASGI Middleware" and "Background Tasks": the middleware pattern, the logging, JWT and background
# task middlewares and the signup handler, re-indented and otherwise as printed. Lines marked "# test wiring" build
# the apps the tests serve: the article's handlers behind each middleware.
import asyncio
import json
import logging
import time
from typing import Callable, Any

import jwt

from seed003_basics import ASGIApplication, api_handler, home_handler, parse_request_body, websocket_handler


class ASGIMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        # Pre-processing
        # ... modify scope or perform checks
        # Call the wrapped application
        await self.app(scope, receive, send)


class LoggingMiddleware:
    def __init__(self, app, logger=None):
        self.app = app
        self.logger = logger or logging.getLogger(__name__)

    async def __call__(self, scope, receive, send):
        if scope['type'] == 'http':
            await self.log_http_request(scope, receive, send)
        elif scope['type'] == 'websocket':
            await self.log_websocket_connection(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def log_http_request(self, scope, receive, send):
        start_time = time.time()
        # Capture response info
        response_info = {'status': None}

        async def logging_send(message):
            if message['type'] == 'http.response.start':
                response_info['status'] = message['status']
            await send(message)

        # Call the application
        await self.app(scope, receive, logging_send)
        # Log the request
        duration = time.time() - start_time
        self.logger.info(
            f"HTTP {scope['method']} {scope['path']} "
            f"{response_info['status']} {duration:.3f}s"
        )

    async def log_websocket_connection(self, scope, receive, send):
        self.logger.info(f"WebSocket connection to {scope['path']}")

        async def logging_send(message):
            if message['type'] == 'websocket.close':
                self.logger.info(f"WebSocket closed {scope['path']}")
            await send(message)

        await self.app(scope, receive, logging_send)


class JWTAuthMiddleware:
    def __init__(self, app, secret_key, protected_paths=None):
        self.app = app
        self.secret_key = secret_key
        self.protected_paths = protected_paths or []

    async def __call__(self, scope, receive, send):
        # Check if path requires authentication
        if scope['path'] in self.protected_paths:
            if scope['type'] == 'http':
                await self.authenticate_http(scope, receive, send)
            elif scope['type'] == 'websocket':
                await self.authenticate_websocket(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def authenticate_http(self, scope, receive, send):
        # Get Authorization header
        headers = dict(scope.get('headers', []))
        auth_header = headers.get(b'authorization', b'').decode()
        if not auth_header.startswith('Bearer '):
            await self.unauthorized(send)
            return
        token = auth_header[7:]
        try:
            payload = jwt.decode(token, self.secret_key, algorithms=['HS256'])
            # Add user info to scope
            scope['user'] = payload
            await self.app(scope, receive, send)
        except jwt.InvalidTokenError:
            await self.unauthorized(send)

    async def authenticate_websocket(self, scope, receive, send):
        # For WebSocket, check token in query parameters
        query_string = scope.get('query_string', b'').decode()
        from urllib.parse import parse_qs
        query_params = parse_qs(query_string)
        token = query_params.get('token', [None])[0]
        if not token:
            await send({'type': 'websocket.close', 'code': 1008})
            return
        try:
            payload = jwt.decode(token, self.secret_key, algorithms=['HS256'])
            scope['user'] = payload
            await self.app(scope, receive, send)
        except jwt.InvalidTokenError:
            await send({'type': 'websocket.close', 'code': 1008})

    async def unauthorized(self, send):
        await send({
            'type': 'http.response.start',
            'status': 401,
            'headers': [[b'content-type', b'application/json']],
        })
        await send({
            'type': 'http.response.body',
            'body': json.dumps({'error': 'Unauthorized'}).encode('utf-8'),
        })


class BackgroundTaskMiddleware:
    def __init__(self, app):
        self.app = app
        self.background_tasks = set()

    async def __call__(self, scope, receive, send):
        # Add background task execution to scope
        scope['background_tasks'] = self.add_background_task
        await self.app(scope, receive, send)

    def add_background_task(self, func: Callable, *args, **kwargs):
        """Add a background task to be executed after response"""
        task = asyncio.create_task(func(*args, **kwargs))
        self.background_tasks.add(task)
        task.add_done_callback(self.background_tasks.discard)


# Usage in application
async def send_email(to_email, subject, body):
    """Simulate sending email"""
    await asyncio.sleep(2)  # Simulate network delay
    print(f"Email sent to {to_email}: {subject}")


async def user_signup_handler(scope, receive, send):
    """Handle user signup with background email task"""
    body = await parse_request_body(scope, receive)
    data = json.loads(body.decode('utf-8'))
    # Process signup (save to database, etc.)
    user_email = data['email']
    # Add background task for sending welcome email
    background_tasks = scope.get('background_tasks')
    if background_tasks:
        background_tasks(
            send_email,
            user_email,
            'Welcome!',
            'Thank you for signing up!'
        )
    # Send immediate response
    await send({
        'type': 'http.response.start',
        'status': 201,
        'headers': [[b'content-type', b'application/json']],
    })
    await send({
        'type': 'http.response.body',
        'body': json.dumps({'message': 'User created successfully'}).encode('utf-8'),
    })


# test wiring: uvicorn configures only its own loggers; the root logger prints the middleware's lines.
logging.basicConfig(level=logging.INFO, format='LOG %(name)s %(message)s')
SECRET = 'seed-secret-key-for-the-side-by-side-tests'  # test wiring


async def whoami_handler(scope, receive, send):  # test wiring: shows the user the JWT middleware put in the scope
    await send({'type': 'http.response.start', 'status': 200, 'headers': [[b'content-type', b'application/json']]})
    await send({'type': 'http.response.body', 'body': json.dumps(scope.get('user')).encode('utf-8')})


async def ws_whoami_handler(scope, receive, send):  # test wiring: the same over a WebSocket
    await receive()
    await send({'type': 'websocket.accept'})
    await send({'type': 'websocket.send', 'text': json.dumps(scope.get('user'))})
    await send({'type': 'websocket.close', 'code': 1000})


routes = ASGIApplication()  # test wiring
routes.add_http_route('GET', '/', home_handler)  # test wiring
routes.add_http_route('GET', '/api', api_handler)  # test wiring
routes.add_http_route('GET', '/me', whoami_handler)  # test wiring
routes.add_http_route('POST', '/signup', user_signup_handler)  # test wiring
routes.add_websocket_route('/ws', websocket_handler)  # test wiring
routes.add_websocket_route('/ws/me', ws_whoami_handler)  # test wiring

logged_app = LoggingMiddleware(ASGIMiddleware(routes))  # test wiring
auth_app = JWTAuthMiddleware(routes, SECRET, protected_paths=['/me', '/ws/me'])  # test wiring
background_app = BackgroundTaskMiddleware(routes)  # test wiring
