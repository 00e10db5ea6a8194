using System.Text;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>The seed 003 pages, character for character as the Python files hold them (each starts and ends with a newline).</summary>
internal static class Html
{
    /// <summary>The chat client page of <c>WebSocketChatApp.handle_http</c>.</summary>
    public static byte[] ChatPage { get; } = Encoding.UTF8.GetBytes(
"""

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

""");

    /// <summary>The page of <c>sse_client_handler</c>.</summary>
    public static byte[] SsePage { get; } = Encoding.UTF8.GetBytes(
"""

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

""");
}
