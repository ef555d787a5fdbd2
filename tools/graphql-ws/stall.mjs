// Load script (not a test): what subscribers that stop reading cost the others during a burst
// (LOAD.md, "Stalled subscribers during a burst"). READERS graphql-transport-ws clients (npm
// graphql-ws) take `statusEvents { sequence occurredAt }` as fast as they come; STALLED raw
// clients subscribe with a bulky selection (BULK aliases of `id`, 29 by default, the most the
// server's alias limit leaves: about 2 KB an event, so that the socket buffers on both sides
// fill within a few thousand events) and then stop reading. One burst of EVENTS events is committed PER_COMMIT to a transaction (100
// by default, so that the relay and the reader meet a backlog); the script reports the
// readers' latency (receive - occurredAt), how long the burst took to reach every reader, and
// how each connection ended.
//
//   node stall.mjs --url ws://127.0.0.1:8099/graphql --key ri_... \
//        --db postgres://root@127.0.0.1:5432/db --readers 200 --stalled 5 --events 5000 \
//        [--per-commit 100] [--bulk 29] [--out r.json]
//
// run-stall.sh does a whole run (database, server, key, this script, clean-up).
import WebSocket from "ws";
import { createClient } from "graphql-ws";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const config = {
  url: args.url,
  key: args.key,
  db: args.db,
  readers: Number(args.readers ?? 200),
  stalled: Number(args.stalled ?? 5),
  events: Number(args.events ?? 5000),
  perCommit: Number(args["per-commit"] ?? 100),
  bulk: Number(args.bulk ?? 29),
  bin: args.bin ?? "940140000385",
  drain: Number(args.drain ?? 120),
  out: args.out,
};
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (x) => (x === null ? null : Math.round(x));

// ------------------------------------------------------------------ readers
const readers = [];
const closes = { readers: {}, stalled: {} };
const bump = (map, key) => (map[key] = (map[key] ?? 0) + 1);
let stopping = false;
function openReader() {
  const reader = { acked: false, got: new Map() };
  reader.client = createClient({
    url: config.url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: config.key },
    lazy: false,
    retryAttempts: 0,
    keepAlive: 0,
    on: {
      connected: () => (reader.acked = true),
      closed: (event) => {
        if (!stopping) bump(closes.readers, `${event?.code} ${event?.reason ?? ""}`.trim());
      },
    },
  });
  reader.client.subscribe(
    { query: "subscription { statusEvents { sequence occurredAt } }" },
    {
      next: (result) => {
        const event = result.data?.statusEvents;
        if (event) reader.got.set(Number(event.sequence), [now(), Date.parse(event.occurredAt)]);
      },
      error: () => {},
      complete: () => {},
    },
  );
  readers.push(reader);
}

// ------------------------------------------------------------------ stalled clients
const BULKY = `subscription { statusEvents { sequence ${Array.from({ length: config.bulk }, (_, i) => `i${i}: id`).join(" ")} } }`;
const stalled = [];
function openStalled() {
  return new Promise((resolve) => {
    const ws = new WebSocket(config.url, "graphql-transport-ws");
    const entry = { ws, received: 0 };
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: config.key } })));
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === "connection_ack") {
        ws.send(JSON.stringify({ id: "s", type: "subscribe", payload: { query: BULKY } }));
        // Registered once the server read it; then it reads nothing more.
        setTimeout(() => {
          ws._socket.pause();
          resolve();
        }, 300);
      } else if (message.type === "next" && !message.payload?.errors) entry.received += 1;
      else if (message.type !== "next" || message.payload?.errors) entry.other = message;
    });
    ws.on("close", (code, reason) => {
      if (!stopping) bump(closes.stalled, `${code} ${reason}`.trim());
    });
    ws.on("error", () => {});
    stalled.push(entry);
  });
}

// ------------------------------------------------------------------ the burst
// `count` events committed together (one statement, one transaction, one commit notice).
const insert = (count) =>
  "WITH e AS (INSERT INTO event (public_id, entity_kind, entity_id, application_id, from_status, " +
  "to_status, actor_role, actor_person_id, at, sequence, sequenced_at, body_bin) " +
  "SELECT gen_random_uuid(), 'APPEAL', gen_random_uuid(), NULL, NULL, 'FILED', 'APPLICANT', NULL, " +
  `clock_timestamp(), NULL, NULL, '${config.bin}' FROM generate_series(1, ${count}) RETURNING id) ` +
  `INSERT INTO event_audience (event_id, kind, value) SELECT id, 'BIN', '${config.bin}' FROM e;\n`;
function write(count) {
  return new Promise((resolve, reject) => {
    const psql = spawn("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", config.db], { stdio: ["pipe", "ignore", "inherit"] });
    psql.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`psql exited with ${code}`))));
    let sql = "";
    for (let left = count; left > 0; left -= config.perCommit) sql += insert(Math.min(left, config.perCommit));
    psql.stdin.end(sql);
  });
}
const everyReaderHas = (count) => readers.every((r) => r.got.size >= count);

async function main() {
  for (let i = 0; i < config.readers; i++) openReader();
  for (let i = 0; i < 100 && !readers.every((r) => r.acked); i++) await sleep(100);
  await Promise.all(Array.from({ length: config.stalled }, openStalled));
  // Warm-up: every reader live.
  await write(1);
  for (let i = 0; i < 100 && !everyReaderHas(1); i++) await sleep(100);
  const started = now();
  await write(config.events);
  const committed = now();
  const deadline = committed + config.drain * 1000;
  while (!everyReaderHas(config.events + 1) && now() < deadline) await sleep(20);
  const reached = now();
  await sleep(500);
  // The stalled ones read again: the server closes them (1013) or they had been dropped.
  for (const entry of stalled) entry.ws._socket.resume();
  await sleep(3000);

  const latencies = [];
  let lastReceive = 0;
  let missing = 0;
  let warmup = Infinity;
  for (const r of readers) for (const seq of r.got.keys()) warmup = Math.min(warmup, seq);
  for (const r of readers) {
    for (let seq = warmup + 1; seq <= warmup + config.events; seq++) {
      const got = r.got.get(seq);
      if (!got) {
        missing += 1;
        continue;
      }
      latencies.push(got[0] - got[1]);
      lastReceive = Math.max(lastReceive, got[0]);
    }
  }
  latencies.sort((a, b) => a - b);
  const report = {
    config: { readers: config.readers, stalled: config.stalled, events: config.events },
    writeSeconds: Math.round(committed - started) / 1000,
    burstToEveryReaderSeconds: Math.round(Math.min(reached, lastReceive || reached) - started) / 1000,
    readerLatencyMs: {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? null),
    },
    readerDeliveriesMissing: missing,
    closes,
    stalledReceivedBeforeClose: stalled.map((s) => s.received),
    stalledLastOtherMessage: stalled.map((s) => s.other ?? null),
  };
  console.log(JSON.stringify(report, null, 2));
  if (config.out) writeFileSync(config.out, JSON.stringify(report, null, 2));
  stopping = true;
  for (const r of readers) r.client.dispose();
  for (const s of stalled) s.ws.terminate();
  process.exit(0);
}

await main();
