(() => {
  const $ = (id) => document.getElementById(id);
  const messages = $("messages"), typing = $("typing"), status = $("status");
  let socket = null, lastTypingSent = 0, me = "";
  const typers = new Map();

  const name = () => $("name").value.trim() || "Anonymous";

  function add(kind, parts) {
    const li = document.createElement("li");
    li.className = kind;
    for (const [cls, text] of parts) {
      const span = document.createElement("span");
      if (cls) span.className = cls;
      span.textContent = text;
      li.appendChild(span);
    }
    messages.appendChild(li);
    messages.scrollTop = messages.scrollHeight;
  }

  function setConnected(connected, text) {
    status.textContent = text;
    status.className = connected ? "online" : "";
    $("message").disabled = !connected;
    $("send").disabled = !connected;
  }

  function renderTyping() {
    const now = Date.now();
    for (const [user, until] of typers) if (until < now) typers.delete(user);
    const users = [...typers.keys()];
    typing.textContent = users.length === 0 ? "" :
      users.length === 1 ? `${users[0]} is typing…` : `${users.join(", ")} are typing…`;
  }
  setInterval(renderTyping, 500);

  function join(room) {
    if (socket) socket.close(1000, "switching room");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    me = name();
    // The name rides along in the query (as the seeds pass a token), for a server that names joiners in its notices.
    const ws = new WebSocket(`${scheme}://${location.host}/chat/${encodeURIComponent(room)}?user=${encodeURIComponent(me)}`);
    socket = ws;
    setConnected(false, `Connecting to ${room}…`);
    let joinedSelf = false;
    ws.onopen = () => { if (socket === ws) setConnected(true, `Connected to room "${room}" as ${me}`); };
    ws.onclose = (e) => { if (socket === ws) setConnected(false, `Disconnected (code ${e.code})`); };
    ws.onmessage = (e) => {
      let data;
      try { data = JSON.parse(e.data); } catch { return; }
      if (data.error) { add("error", [[null, data.error]]); return; }
      switch (data.type) {
        case "chat":
          typers.delete(data.user); renderTyping();
          add(data.user === me ? "chat mine" : "chat",
            [["time", new Date(data.timestamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })], ["user", data.user + ":"], ["text", data.message]]);
          break;
        case "typing":
          typers.set(data.user, Date.now() + 2500); renderTyping();
          break;
        case "user_joined": {
          // The first join notice a socket receives is its own (the server adds the joiner before it broadcasts).
          const who = joinedSelf ? (data.user || "Someone") : "You";
          joinedSelf = true;
          add("notice", [[null, `${who} joined${who === "You" ? ` as ${me}` : ""} — ${data.user_count} online`]]);
          break;
        }
        case "user_left":
          add("notice", [[null, `${data.user || "Someone"} left — ${data.user_count} online`]]);
          break;
      }
    };
  }

  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    messages.innerHTML = "";
    join($("room").value.trim() || "lobby");
  });

  $("message-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("message").value;
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "chat", user: me, message: text }));
    $("message").value = "";
    lastTypingSent = 0;
  });

  $("message").addEventListener("input", () => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (now - lastTypingSent > 1000) {
      socket.send(JSON.stringify({ type: "typing", user: me }));
      lastTypingSent = now;
    }
  });
})();
