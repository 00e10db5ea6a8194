# shared/seeds/001: starlette as an ASGI toolkit (the PlainTextResponse app, named app) and as a framework
# (starlette_app wrapped by routed_app; the article names that wrapper app too, renamed here: # test:).
from starlette.responses import PlainTextResponse


async def app(scope, receive, send):
    assert scope['type'] == 'http'
    response = PlainTextResponse('Hello, world!')
    await response(scope, receive, send)


from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
async def home(request: Request):
    return PlainTextResponse("Home")
async def hello(request: Request):
    return PlainTextResponse("Hello")
starlette_app = Starlette(
    debug=True,
    routes=[
        Route("/", home),
        Route("/hello", hello),
    ],
)
async def routed_app(scope, receive, send):  # test: the article's second "app"
    await starlette_app(scope, receive, send)
