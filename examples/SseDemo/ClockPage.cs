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
          <title>AsgiBridge server-sent events</title>
          <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; }
            #latest { font-size: 2rem; font-variant-numeric: tabular-nums; }
            li { font-family: ui-monospace, monospace; }
          </style>
        </head>
        <body>
          <h1>Server-sent events</h1>
          <p>Connection: <span id="status">connecting</span></p>
          <p id="latest">waiting for the first tick…</p>
          <ul id="events"></ul>
          <script>
            const status = document.getElementById("status");
            const latest = document.getElementById("latest");
            const list = document.getElementById("events");
            const source = new EventSource("{{JavaScriptEncoder.Default.Encode(eventsUrl)}}");
            source.addEventListener("open", () => { status.textContent = "open"; });
            source.addEventListener("error", () => { status.textContent = "reconnecting"; });
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
