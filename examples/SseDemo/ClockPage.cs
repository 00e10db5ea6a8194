using System.Text.Encodings.Web;

namespace SseDemo;

/// <summary>The HTML page that shows the live ticks.</summary>
public static class ClockPage
{
    /// <summary>Renders the page.</summary>
    /// <param name="eventsUrl">Where the event stream is (absolute path, so the page works when mounted).</param>
    /// <returns>The HTML document.</returns>
    public static string Render(string eventsUrl) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <meta name="color-scheme" content="light dark">
          <title>AsgiBridge server-sent events</title>
          <style>
            :root {
              --bg: #f5f7fa; --card: #ffffff; --text: #1f2933; --muted: #616e7c; --line: #e4e7eb;
              --accent: #2f6fde; --ok: #207544; --warn: #b54708;
              font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--text); background: var(--bg);
            }
            @media (prefers-color-scheme: dark) {
              :root { --bg: #111418; --card: #1b2027; --text: #e4e7eb; --muted: #9aa5b1; --line: #2c333d;
                      --accent: #7aa7ff; --ok: #5fd08b; --warn: #f5a35c; }
            }
            * { box-sizing: border-box; }
            body { max-width: 640px; margin: 0 auto; padding: 1.5rem 1rem 2rem; }
            h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
            .hint { color: var(--muted); margin: 0 0 1.25rem; }
            .card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1rem 1.25rem; }
            .connection { display: flex; align-items: center; gap: .5rem; color: var(--muted); font-size: .95rem; margin: 0 0 .75rem; }
            .dot { width: .6rem; height: .6rem; border-radius: 50%; background: var(--warn); flex: none; }
            .connection.open .dot { background: var(--ok); box-shadow: 0 0 0 4px color-mix(in srgb, var(--ok) 20%, transparent); }
            #latest { font-size: clamp(1.3rem, 5vw, 2rem); font-weight: 600; font-variant-numeric: tabular-nums;
                      margin: 0; overflow-wrap: anywhere; }
            h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 1.5rem 0 .5rem; }
            #events { list-style: none; margin: 0; padding: 0; }
            #events li { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; padding: .45rem .75rem;
                         border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; }
            #events li:first-child { color: var(--accent); }
            #events li:last-child { border-bottom: 0; }
          </style>
        </head>
        <body>
          <h1>Server-sent events</h1>
          <p class="hint">An ASGI app streams <code>text/event-stream</code> through AsgiBridge; this page listens with <code>EventSource</code>.</p>
          <div class="card">
            <p class="connection" id="connection"><span class="dot"></span>Connection: <span id="status">connecting</span></p>
            <p id="latest">waiting for the first tick…</p>
          </div>
          <h2>Recent events</h2>
          <ul id="events" class="card"></ul>
          <script>
            const status = document.getElementById("status");
            const connection = document.getElementById("connection");
            const latest = document.getElementById("latest");
            const list = document.getElementById("events");
            const source = new EventSource("{{JavaScriptEncoder.Default.Encode(eventsUrl)}}");
            source.addEventListener("open", () => { status.textContent = "open"; connection.className = "connection open"; });
            source.addEventListener("error", () => { status.textContent = "reconnecting"; connection.className = "connection"; });
            source.addEventListener("tick", (event) => {
              const tick = JSON.parse(event.data);
              latest.textContent = "tick " + tick.n + " at " + tick.time + " UTC";
              const item = document.createElement("li");
              item.dataset.id = event.lastEventId;
              item.textContent = "#" + tick.n + " " + tick.time;
              list.prepend(item);
              while (list.children.length > 20) { list.lastElementChild.remove(); }
            });
          </script>
        </body>
        </html>
        """;
}
