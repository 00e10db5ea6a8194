# shared/seeds/003 "WebSocket Chat Application", re-indented and otherwise as printed (module attribute chat_app).
import asyncio
import json
from collections import defaultdict


class WebSocketChatApp:
    def __init__(self):
        self.connections = defaultdict(set)  # room_id -> set of connections
        self.user_rooms = {}  # connection_id -> room_id

    async def __call__(self, scope, receive, send):
        if scope['type'] == 'websocket':
            await self.handle_websocket(scope, receive, send)
        else:
            await self.handle_http(scope, receive, send)

    async def handle_websocket(self, scope, receive, send):
        path = scope['path']
        if path.startswith('/chat/'):
            room_id = path.split('/')[-1]
            await self.chat_handler(scope, receive, send, room_id)
        else:
            await send({'type': 'websocket.close', 'code': 1000})

    async def chat_handler(self, scope, receive, send, room_id):
        # Accept connection
        await send({'type': 'websocket.accept'})
        # Generate connection ID
        connection_id = id(send)
        # Add to room
        self.connections[room_id].add(send)
        self.user_rooms[connection_id] = room_id
        # Notify room of new user
        await self.broadcast_to_room(room_id, {
            'type': 'user_joined',
            'message': f'User {connection_id} joined the room',
            'room': room_id,
            'user_count': len(self.connections[room_id])
        })
        try:
            while True:
                message = await receive()
                if message['type'] == 'websocket.receive':
                    if 'text' in message:
                        try:
                            data = json.loads(message['text'])
                            await self.handle_chat_message(data, room_id, connection_id)
                        except json.JSONDecodeError:
                            await send({
                                'type': 'websocket.send',
                                'text': json.dumps({'error': 'Invalid JSON'})
                            })
                elif message['type'] == 'websocket.disconnect':
                    break
        except Exception as e:
            print(f"WebSocket error: {e}")
        finally:
            # Clean up
            self.connections[room_id].discard(send)
            if connection_id in self.user_rooms:
                del self.user_rooms[connection_id]
            # Notify room of user leaving
            await self.broadcast_to_room(room_id, {
                'type': 'user_left',
                'message': f'User {connection_id} left the room',
                'room': room_id,
                'user_count': len(self.connections[room_id])
            })

    async def handle_chat_message(self, data, room_id, connection_id):
        """Handle chat messages"""
        message_type = data.get('type')
        if message_type == 'chat':
            # Broadcast chat message to room
            await self.broadcast_to_room(room_id, {
                'type': 'chat',
                'message': data.get('message', ''),
                'user': connection_id,
                'room': room_id,
                'timestamp': asyncio.get_event_loop().time()
            })
        elif message_type == 'typing':
            # Broadcast typing indicator to room (except sender)
            await self.broadcast_to_room(room_id, {
                'type': 'typing',
                'user': connection_id,
                'room': room_id
            }, exclude=[connection_id])

    async def broadcast_to_room(self, room_id, message, exclude=None):
        """Broadcast message to all connections in a room"""
        exclude = exclude or []
        message_text = json.dumps(message)
        # Send to all connections in room
        for connection in self.connections[room_id].copy():
            if id(connection) not in exclude:
                try:
                    await connection({
                        'type': 'websocket.send',
                        'text': message_text
                    })
                except Exception as e:
                    # Remove dead connections
                    self.connections[room_id].discard(connection)
                    print(f"Removed dead connection: {e}")

    async def handle_http(self, scope, receive, send):
        """Serve WebSocket client HTML"""
        if scope['path'] == '/':
            html = """
<!DOCTYPE html>
<html>
<head><title>WebSocket Chat</title></head>
<body>
<div id="messages"></div>
<input type="text" id="messageInput" placeholder="Type message...">
<button onclick="sendMessage()">Send</button>
<script>
const ws = new WebSocket('ws://localhost:8000/chat/room1');
const messages = document.getElementById('messages');
ws.onmessage = function(event) {
const data = JSON.parse(event.data);
messages.innerHTML += '<div>' + JSON.stringify(data) + '</div>';
};
function sendMessage() {
const input = document.getElementById('messageInput');
ws.send(JSON.stringify({
type: 'chat',
message: input.value
}));
input.value = '';
}
document.getElementById('messageInput').addEventListener('keypress', function(e) {
if (e.key === 'Enter') {
sendMessage();
}
});
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
        else:
            await send({
                'type': 'http.response.start',
                'status': 404,
                'headers': [[b'content-type', b'text/plain']],
            })
            await send({
                'type': 'http.response.body',
                'body': b'Not Found',
            })


# Usage
chat_app = WebSocketChatApp()
