// A real subscription client against the live server, for the Rust end-to-end tests
// (tests/api/subscriptions.rs). Arguments: URL PROTOCOL AUTHORIZATION QUERY VARIABLES_JSON COUNT
//   PROTOCOL: "transport" (npm graphql-ws, the graphql-transport-ws subprotocol) or "legacy"
//   (subscriptions-transport-ws 0.11.0, the graphql-ws subprotocol).
// Prints one JSON line per event: {"ready":true} once acknowledged, {"next": data} for each
// result, {"error": ...} and {"closed": {code, reason}}; exits after COUNT results or on close.
//
// Raw mode, for the frames no well-behaved client sends: URL raw SUBPROTOCOLS FRAMES_JSON
//   SUBPROTOCOLS: comma-separated, offered as Sec-WebSocket-Protocol ("" offers none).
//   FRAMES_JSON: an array sent in order once open: a string is sent as is, an object as its
//   JSON, except {"$sleep": ms} (waits), {"$wait": "type"} (waits for a message of that type),
//   {"$pauseUntil": path} (stops reading the socket until the file exists: a consumer too slow
//   for the server) and
//   {"$mark": name} (prints {"mark": name}).
// Prints {"open": protocol}, {"message": parsed (or the text)} for each message received,
// {"closed": {code, reason, ms}} (ms: since the open; and exits), or {"unexpected": {status, body}} when the server
// refuses the upgrade; {"timeout": true} after 60 s without a close.
import WebSocket from "ws";
import { existsSync } from "node:fs";

const [url, protocol, authorization, query, variablesJson, countText] = process.argv.slice(2);
const variables = JSON.parse(variablesJson || "{}");
const count = Number(countText || "1");
let seen = 0;
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");
// process.exit drops what a pipe has not taken yet: exit once stdout has flushed every line.
const done = (code) =>
  setTimeout(() => process.stdout.write("", () => process.exit(code)), 50);

if (protocol === "raw") {
  raw(authorization, JSON.parse(query || "[]"));
} else if (protocol === "transport") {
  const { createClient } = await import("graphql-ws");
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    lazy: false,
    retryAttempts: 0,
    // The close is printed below (graphql-ws would dump it on stderr too).
    onNonLazyError: () => {},
    on: {
      connected: () => print({ ready: true }),
      closed: (event) => {
        print({ closed: { code: event.code, reason: event.reason } });
        done(0);
      },
    },
  });
  client.subscribe(
    { query, variables },
    {
      next: (result) => {
        print({ next: result.data ?? null, errors: result.errors ?? null });
        seen += 1;
        if (seen >= count) {
          client.dispose();
          done(0);
        }
      },
      error: (error) => {
        // graphql-ws reports GraphQL errors as an array of them.
        print({
          error: Array.isArray(error) ? error : String(error?.message ?? error?.reason ?? error),
        });
      },
      complete: () => print({ complete: true }),
    },
  );
} else {
  const { SubscriptionClient } = await import("subscriptions-transport-ws");
  const client = new SubscriptionClient(
    url,
    { connectionParams: authorization ? { authorization } : {}, reconnect: false },
    WebSocket,
  );
  client.onConnected(() => print({ ready: true }));
  client.onDisconnected(() => {
    print({ closed: {} });
    done(0);
  });
  client.request({ query, variables }).subscribe({
    next: (result) => {
      print({ next: result.data ?? null, errors: result.errors ?? null });
      seen += 1;
      if (seen >= count) {
        client.close();
        done(0);
      }
    },
    error: (error) => print({ error: String(error?.message ?? error) }),
    complete: () => print({ complete: true }),
  });
}

function raw(subprotocols, frames) {
  const offered = subprotocols ? subprotocols.split(",").map((p) => p.trim()) : [];
  const socket = new WebSocket(url, offered);
  const waiting = [];
  let closed = false;
  socket.on("unexpected-response", (_request, response) => {
    let body = "";
    response.on("data", (chunk) => (body += chunk));
    response.on("end", () => {
      print({ unexpected: { status: response.statusCode, body } });
      done(0);
    });
  });
  socket.on("message", (data) => {
    const text = data.toString();
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      message = text;
    }
    print({ message });
    for (const waiter of waiting.splice(0)) {
      if (message?.type === waiter.type) waiter.resolve();
      else waiting.push(waiter);
    }
  });
  let openedAt = Date.now();
  socket.on("close", (code, reason) => {
    closed = true;
    print({ closed: { code, reason: reason.toString(), ms: Date.now() - openedAt } });
    done(0);
  });
  socket.on("error", (error) => print({ error: String(error?.message ?? error) }));
  socket.on("open", async () => {
    openedAt = Date.now();
    print({ open: socket.protocol });
    for (const frame of frames) {
      if (closed) return;
      if (frame && typeof frame === "object" && "$sleep" in frame) {
        await new Promise((resolve) => setTimeout(resolve, frame.$sleep));
      } else if (frame && typeof frame === "object" && "$wait" in frame) {
        await new Promise((resolve) => waiting.push({ type: frame.$wait, resolve }));
      } else if (frame && typeof frame === "object" && "$pauseUntil" in frame) {
        socket.pause();
        while (!existsSync(frame.$pauseUntil)) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        socket.resume();
      } else if (frame && typeof frame === "object" && "$mark" in frame) {
        print({ mark: frame.$mark });
      } else {
        socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      }
    }
  });
  setTimeout(() => {
    print({ timeout: true });
    done(0);
  }, 60000);
}
