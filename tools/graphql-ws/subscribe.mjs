// A real subscription client against the live server, for the Rust end-to-end tests
// (tests/api/subscriptions.rs). Arguments: URL PROTOCOL AUTHORIZATION QUERY VARIABLES_JSON COUNT
//   PROTOCOL: "transport" (npm graphql-ws, the graphql-transport-ws subprotocol) or "legacy"
//   (subscriptions-transport-ws 0.11.0, the graphql-ws subprotocol).
// Prints one JSON line per event: {"ready":true} once acknowledged, {"next": data} for each
// result, {"error": ...} and {"closed": {code, reason}}; exits after COUNT results or on close.
import WebSocket from "ws";

const [url, protocol, authorization, query, variablesJson, countText] = process.argv.slice(2);
const variables = JSON.parse(variablesJson || "{}");
const count = Number(countText || "1");
let seen = 0;
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const done = (code) => setTimeout(() => process.exit(code), 50);

if (protocol === "transport") {
  const { createClient } = await import("graphql-ws");
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    lazy: false,
    retryAttempts: 0,
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
        print({ error: String(error?.message ?? error?.reason ?? error) });
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
