// Load script (not a test) for the WebSocket subscriptions at /graphql: N concurrent
// graphql-transport-ws clients (npm graphql-ws) subscribed to `statusEvents`, events written
// into PostgreSQL at a steady rate through one long-lived `psql`, per-delivery latency
// recorded. See LOAD.md for how to run it and what it measured; run-load.sh does a whole run
// (database, server, key, this script, clean-up).
//
//   node load.mjs --url ws://127.0.0.1:8099/graphql --key ri_... \
//        --db postgres://root@127.0.0.1:5432/gqlws_load --server-pid 1234 \
//        --n 1000 --rate 5 --duration 30 [--threads 2] [--concurrency 200] [--idle 16] [--out report.json]
//
// Every flag may also come from the environment: URL, KEY, DATABASE_URL, SERVER_PID, N, RATE,
// DURATION, THREADS, CONCURRENCY, IDLE, JITTER (1: each write at a random point of its 1/RATE slot; 0: on the
// slot's start), BIN, DRAIN, ACK_TIMEOUT, OUT.
//
// Phases:
//   1. RSS of the server before any connection.
//   2. Open N clients over THREADS worker threads (at most CONCURRENCY waiting for their
//      connection_ack at once), each subscribing
//      `subscription { statusEvents { id sequence occurredAt } }`; wait until every one is
//      acknowledged (or failed), then write one warm-up event and wait until every client has
//      it (so every subscription is live); RSS "connected".
//   3. Idle for IDLE s (longer than the server's 15-s session re-check): the server's CPU and
//      the database's transactions with N idle subscriptions.
//   4. Write RATE events/s for DURATION s: each an APPEAL event of body BIN with a BIN audience
//      row, `at = clock_timestamp()`, no sequence (the server's relay assigns it, woken by
//      the commit's notice).
//   5. Wait until every client has every event (or DRAIN s after the last write); RSS "end".
//   6. Read `at` and `sequenced_at` of the measured events back from the database and report:
//      end-to-end latency (receive - occurredAt, which includes the relay's wait for the
//      commit's notice), the relay's share (sequenced_at - at) and the push share (receive -
//      sequenced_at), per event the first delivery and the fan-out (last - first delivery),
//      deliveries/s, missing/duplicate/out-of-order deliveries, closes by code, RSS per
//      connection, CPU of both processes, the clients' event-loop delay (how much of the
//      latency the clients themselves add).
import WebSocket from "ws";
import { createClient } from "graphql-ws";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { spawn, execFile } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";

const QUERY = "subscription { statusEvents { id sequence occurredAt } }";
const now = () => performance.timeOrigin + performance.now(); // wall clock, ms, sub-ms resolution
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
const LOOP_RESOLUTION_MS = 10;
// The histogram counts the timer's own interval; what is beyond it is the loop's delay.
const loopDelay = (ns) => Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 10) / 10);

if (!isMainThread) {
  await clientThread(workerData);
} else {
  await main();
}

// ================================================================ a client thread
// Opens its share of the clients and records every delivery: [client, sequence, receive time].
async function clientThread({ url, key, first, count, concurrency, capacity: initial }) {
  const clients = new Array(count);
  const state = new Int8Array(count); // 0 opening, 1 acked, 2 failed before ack, 3 closed after ack
  const gotAny = new Uint8Array(count);
  let acked = 0;
  let failedBeforeAck = 0;
  let closedAfterAck = 0;
  let clientsWithAny = 0;
  let stopping = false;
  const closeCodes = new Map();
  const errors = new Map();
  let capacity = Math.max(1024, initial);
  let dConn = new Int32Array(capacity);
  let dSeq = new Float64Array(capacity);
  let dRecv = new Float64Array(capacity);
  let deliveries = 0;
  const occurredAt = new Map(); // sequence -> occurredAt (ms since epoch), first seen
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  function parseTime(text) {
    // RFC 3339 with up to nanoseconds: the milliseconds for Date.parse, the rest added.
    const m = /\.(\d+)/.exec(text);
    const frac = m ? m[1] : "";
    const base = Date.parse(text.replace(/\.\d+/, frac ? "." + frac.slice(0, 3).padEnd(3, "0") : ""));
    return base + (frac.length > 3 ? Number("0." + frac.slice(3)) : 0);
  }
  function grow() {
    capacity *= 2;
    const c = new Int32Array(capacity);
    c.set(dConn);
    dConn = c;
    const s = new Float64Array(capacity);
    s.set(dSeq);
    dSeq = s;
    const r = new Float64Array(capacity);
    r.set(dRecv);
    dRecv = r;
  }
  function record(index, event) {
    const t = now();
    const seq = Number(event.sequence);
    if (!occurredAt.has(seq)) occurredAt.set(seq, parseTime(event.occurredAt));
    if (deliveries === capacity) grow();
    dConn[deliveries] = first + index;
    dSeq[deliveries] = seq;
    dRecv[deliveries] = t;
    deliveries += 1;
    if (!gotAny[index]) {
      gotAny[index] = 1;
      clientsWithAny += 1;
    }
  }

  let inFlight = 0;
  let wakeOpener = null;
  function settle(index, to) {
    if (state[index] !== 0) return;
    state[index] = to;
    inFlight -= 1;
    if (to === 1) acked += 1;
    else failedBeforeAck += 1;
    if (wakeOpener) {
      const w = wakeOpener;
      wakeOpener = null;
      w();
    }
  }
  const describe = (e) =>
    Array.isArray(e) ? e.map((x) => x.message).join("; ") : String(e?.message ?? e?.reason ?? e?.code ?? e?.type ?? e);
  function open(index) {
    inFlight += 1;
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: key },
      lazy: false,
      retryAttempts: 0, // a close is reported, never hidden behind a reconnect
      keepAlive: 0,
      onNonLazyError: (error) => {
        if (!stopping) bump(errors, `connection: ${describe(error)}`);
      },
      on: {
        connected: () => settle(index, 1),
        closed: (event) => {
          if (stopping) return;
          bump(closeCodes, `${event?.code} ${event?.reason ?? ""}`.trim());
          if (state[index] === 0) settle(index, 2);
          else if (state[index] === 1) {
            state[index] = 3;
            closedAfterAck += 1;
          }
        },
      },
    });
    clients[index] = client;
    client.subscribe(
      { query: QUERY },
      {
        next: (result) => {
          if (result.errors) bump(errors, `result: ${result.errors.map((e) => e.message).join("; ")}`);
          if (result.data?.statusEvents) record(index, result.data.statusEvents);
        },
        error: (error) => {
          if (!stopping) bump(errors, `subscription: ${describe(error)}`);
        },
        complete: () => {
          if (!stopping) bump(errors, "subscription completed by the server");
        },
      },
    );
  }
  const status = () => ({ type: "status", acked, failedBeforeAck, closedAfterAck, clientsWithAny, deliveries });
  const statusTimer = setInterval(() => parentPort.postMessage(status()), 200);

  parentPort.on("message", async (message) => {
    if (message.type === "measure") {
      loop.reset();
      loop.enable();
    } else if (message.type === "finish") {
      loop.disable();
      clearInterval(statusTimer);
      const c = dConn.slice(0, deliveries);
      const s = dSeq.slice(0, deliveries);
      const r = dRecv.slice(0, deliveries);
      parentPort.postMessage(
        {
          ...status(),
          type: "data",
          dConn: c,
          dSeq: s,
          dRecv: r,
          occurredAt: [...occurredAt.entries()],
          closeCodes: Object.fromEntries(closeCodes),
          errors: Object.fromEntries(errors),
          acknowledgedClients: [...state].map((v, i) => (v === 1 || v === 3 ? first + i : -1)).filter((i) => i >= 0),
          loop: { p50: loopDelay(loop.percentile(50)), p99: loopDelay(loop.percentile(99)), max: loopDelay(loop.max) },
        },
        [c.buffer, s.buffer, r.buffer],
      );
    } else if (message.type === "close") {
      stopping = true;
      for (const client of clients) client?.dispose();
      await sleep(300);
      parentPort.postMessage({ type: "closed" });
    }
  });

  let next = 0;
  while (next < count) {
    while (inFlight < concurrency && next < count) open(next++);
    await new Promise((resolve) => {
      wakeOpener = resolve;
      setTimeout(resolve, 1000);
    });
  }
}

// ================================================================ the main thread
async function main() {
  function option(name, env, fallback) {
    const i = process.argv.indexOf(`--${name}`);
    if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
    if (process.env[env] !== undefined && process.env[env] !== "") return process.env[env];
    return fallback;
  }
  const config = {
    url: option("url", "URL", "ws://127.0.0.1:8080/graphql"),
    key: option("key", "KEY", ""),
    db: option("db", "DATABASE_URL", ""),
    serverPid: Number(option("server-pid", "SERVER_PID", "0")) || 0,
    n: Number(option("n", "N", "1000")),
    rate: Number(option("rate", "RATE", "2")),
    duration: Number(option("duration", "DURATION", "30")),
    threads: Number(option("threads", "THREADS", "2")),
    concurrency: Number(option("concurrency", "CONCURRENCY", "200")),
    idle: Number(option("idle", "IDLE", "16")),
    bin: option("bin", "BIN", "940140000385"),
    drain: Number(option("drain", "DRAIN", "20")),
    ackTimeout: Number(option("ack-timeout", "ACK_TIMEOUT", "120")),
    jitter: option("jitter", "JITTER", "1") !== "0",
    out: option("out", "OUT", ""),
  };
  if (!config.key || !config.db) {
    console.error(
      "usage: node load.mjs --url WS_URL --key API_KEY --db DATABASE_URL [--server-pid PID] [--n N] [--rate EVENTS_PER_S] [--duration S] [--threads T] [--concurrency C] [--idle S] [--out FILE]",
    );
    process.exit(2);
  }
  const log = (...args) => console.error(`[${new Date().toISOString()}]`, ...args);
  const started = now();

  // ------------------------------------------------------------ process sampling
  function rssKiB(pid) {
    try {
      const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  }
  function cpuTicks(pid) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in 1/100 s
    } catch {
      return null;
    }
  }
  function fdCount(pid) {
    try {
      return readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      return null;
    }
  }
  const samples = {};
  function sample(label) {
    const s = {
      at: new Date().toISOString(),
      serverRssKiB: config.serverPid ? rssKiB(config.serverPid) : null,
      serverFds: config.serverPid ? fdCount(config.serverPid) : null,
      clientRssKiB: Math.round(process.memoryUsage().rss / 1024),
      loadAverage: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    };
    samples[label] = s;
    log(
      `sample ${label}: server RSS ${s.serverRssKiB} KiB, server fds ${s.serverFds}, client RSS ${s.clientRssKiB} KiB, load average ${s.loadAverage}`,
    );
    return s;
  }
  let serverPeakRss = 0;
  const rssSeries = []; // [s since start, server RSS KiB], every 5 s
  let peakTicks = 0;
  const peakTimer = setInterval(() => {
    const r = config.serverPid ? rssKiB(config.serverPid) : null;
    if (r && r > serverPeakRss) serverPeakRss = r;
    if (r && peakTicks++ % 10 === 0) rssSeries.push([Math.round((now() - started) / 1000), r]);
  }, 500);

  // ------------------------------------------------------------ the database: one writer psql
  const psql = spawn("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", config.db], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  let psqlFailed = null;
  psql.stderr.on("data", (d) => {
    psqlFailed = String(d);
    log("psql:", String(d).trim());
  });
  psql.on("exit", (code) => {
    if (code) psqlFailed = psqlFailed ?? `psql exited with ${code}`;
  });
  const bin = config.bin.replace(/[^0-9]/g, "");
  const INSERT =
    "WITH e AS (INSERT INTO event (public_id, entity_kind, entity_id, application_id, from_status, " +
    "to_status, actor_role, actor_person_id, at, sequence, sequenced_at, body_bin) VALUES " +
    "(gen_random_uuid(), 'APPEAL', gen_random_uuid(), NULL, NULL, 'FILED', 'APPLICANT', NULL, " +
    `clock_timestamp(), NULL, NULL, '${bin}') RETURNING id) ` +
    `INSERT INTO event_audience (event_id, kind, value) SELECT id, 'BIN', '${bin}' FROM e;\n`;
  let written = 0;
  const writeEvent = () => {
    psql.stdin.write(INSERT);
    written += 1;
  };
  // Reads are asynchronous, so that they never stall an event loop.
  const execFileAsync = promisify(execFile);
  let queries = 0; // this script's own transactions, besides the writer's
  async function query(sql) {
    queries += 1;
    const { stdout } = await execFileAsync("psql", ["-X", "-At", "-F", ",", "-c", sql, config.db], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout.trim();
  }
  const scalar = async (sql) => Number((await query(sql)) || 0);
  const xacts = () =>
    scalar("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()");

  // ------------------------------------------------------------ the client threads
  const threads = Math.max(1, Math.min(config.threads, config.n));
  const perThreadCapacity = Math.ceil(config.n / threads) * (Math.ceil(config.rate * config.duration) + 5);
  const workers = [];
  const status = [];
  for (let t = 0; t < threads; t++) {
    const first = Math.floor((t * config.n) / threads);
    const count = Math.floor(((t + 1) * config.n) / threads) - first;
    const worker = new Worker(new URL(import.meta.url), {
      workerData: {
        url: config.url,
        key: config.key,
        first,
        count,
        concurrency: Math.max(1, Math.ceil(config.concurrency / threads)),
        capacity: perThreadCapacity,
      },
    });
    status[t] = { acked: 0, failedBeforeAck: 0, closedAfterAck: 0, clientsWithAny: 0, deliveries: 0 };
    worker.on("message", (m) => {
      if (m.type === "status") status[t] = m;
    });
    worker.on("error", (e) => log(`client thread ${t} failed:`, e));
    workers.push(worker);
  }
  const total = (field) => status.reduce((sum, s) => sum + s[field], 0);
  const ask = (worker, message, answer) =>
    new Promise((resolve) => {
      const listener = (m) => {
        if (m.type === answer) {
          worker.off("message", listener);
          resolve(m);
        }
      };
      worker.on("message", listener);
      worker.postMessage(message);
    });

  // ------------------------------------------------------------ the run
  log(`config: ${JSON.stringify({ ...config, key: config.key.slice(0, 6) + "…" })}`);
  sample("before");
  const cpuBefore = config.serverPid ? cpuTicks(config.serverPid) : null;

  // Connect.
  const connectStart = now();
  const ackDeadline = connectStart + config.ackTimeout * 1000;
  let reported = 0;
  while (total("acked") + total("failedBeforeAck") < config.n && now() < ackDeadline) {
    await sleep(100);
    const done = total("acked") + total("failedBeforeAck");
    if (done >= reported + 1000) {
      reported = done - (done % 1000);
      log(`acked ${total("acked")}, failed ${total("failedBeforeAck")}`);
    }
  }
  await sleep(300); // the threads' last status
  const connectSeconds = (now() - connectStart) / 1000;
  const acked = total("acked");
  log(`connected: ${acked} acked, ${total("failedBeforeAck")} failed, in ${connectSeconds.toFixed(1)} s`);
  sample("acked");

  // Warm-up: one event, until every acknowledged client has it (every subscription is live).
  const highestBefore = await scalar("SELECT COALESCE(MAX(sequence), 0) FROM event");
  writeEvent();
  const warmupDeadline = now() + 30_000;
  let warmupOk = false;
  while (now() < warmupDeadline) {
    await sleep(200);
    if (total("clientsWithAny") >= total("acked") - total("closedAfterAck")) {
      warmupOk = true;
      break;
    }
  }
  const warmupSeq = await scalar(`SELECT COALESCE(MAX(sequence), 0) FROM event WHERE sequence > ${highestBefore}`);
  const warmupReceivedBy = total("clientsWithAny");
  log(`warm-up event ${warmupSeq}: received by ${warmupReceivedBy} of ${acked - total("closedAfterAck")} live clients${warmupOk ? "" : " (timed out)"}`);
  sample("connected");
  const cpuConnected = cpuTicks(config.serverPid);

  // Idle: N subscriptions, no events.
  let idleReport = null;
  if (config.idle > 0) {
    const q0 = queries;
    const x0 = await xacts();
    const t0 = now();
    const c0 = cpuTicks(config.serverPid);
    await sleep(config.idle * 1000);
    const c1 = cpuTicks(config.serverPid);
    const t1 = now();
    const q1 = queries;
    const x1 = await xacts();
    const seconds = (t1 - t0) / 1000;
    idleReport = {
      seconds: Math.round(seconds * 10) / 10,
      serverPercentOfOneCore: c0 !== null ? Math.round(((c1 - c0) / 100 / seconds) * 100) : null,
      databaseTransactionsPerSecond: Math.round(((x1 - x0 - (q1 - q0 + 1)) / seconds) * 10) / 10,
      closedMeanwhile: total("closedAfterAck"),
    };
    log(
      `idle ${idleReport.seconds} s: server ${idleReport.serverPercentOfOneCore}% of a core, database ${idleReport.databaseTransactionsPerSecond} transactions/s`,
    );
    sample("idle");
  }

  // Steady writes.
  const closedBeforeRun = total("closedAfterAck");
  for (const w of workers) w.postMessage({ type: "measure" });
  const cpuSteady = cpuTicks(config.serverPid);
  const xactSteady = await xacts();
  const queriesSteady = queries;
  const clientCpu0 = process.cpuUsage();
  const writeStart = now();
  const events = Math.round(config.rate * config.duration);
  for (let i = 0; i < events; i++) {
    // A steady rate at a random phase within each slot, so that the writes do not lock onto
    // any periodic work of the server's (its session checks, its relay's safety tick).
    const wait = writeStart + ((i + (config.jitter ? Math.random() : 0)) * 1000) / config.rate - now();
    if (wait > 0) await sleep(wait);
    if (psqlFailed) break;
    writeEvent();
    if ((i + 1) % Math.max(1, Math.round(config.rate * 5)) === 0) {
      log(`written ${i + 1}/${events}, deliveries ${total("deliveries")}, live clients ${acked - total("closedAfterAck")}`);
    }
  }
  const writeEnd = now();
  log(`writes done: ${written - 1} events in ${((writeEnd - writeStart) / 1000).toFixed(1)} s`);

  // Drain: until every live client has every event.
  const drainDeadline = writeEnd + config.drain * 1000;
  while (now() < drainDeadline) {
    await sleep(500);
    if ((await scalar("SELECT COUNT(*) FROM event WHERE sequence IS NULL")) === 0) {
      const expected = await scalar(`SELECT COUNT(*) FROM event WHERE sequence >= ${warmupSeq}`);
      if (total("deliveries") >= (acked - total("closedAfterAck")) * expected) break;
    }
  }
  const drainEnd = now();
  const clientCpu = process.cpuUsage(clientCpu0);
  const cpuEnd = cpuTicks(config.serverPid);
  const queriesEnd = queries;
  const xactEnd = await xacts();
  sample("end");

  // Collect the deliveries.
  const parts = [];
  for (const w of workers) parts.push(await ask(w, { type: "finish" }, "data"));
  const closedAfterAck = parts.reduce((s, p) => s + p.closedAfterAck, 0);
  const closeCodes = new Map();
  const errors = new Map();
  const occurredAt = new Map();
  const loops = [];
  const ackedClients = [];
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.closeCodes)) closeCodes.set(k, (closeCodes.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(p.errors)) errors.set(k, (errors.get(k) ?? 0) + v);
    for (const [s, t] of p.occurredAt) if (!occurredAt.has(s)) occurredAt.set(s, t);
    loops.push(p.loop);
    ackedClients.push(...p.acknowledgedClients);
  }

  // What the database says about the measured events.
  const rows = (
    await query(
      `SELECT sequence, EXTRACT(EPOCH FROM at) * 1000, EXTRACT(EPOCH FROM sequenced_at) * 1000 FROM event WHERE sequence > ${warmupSeq} ORDER BY sequence`,
    )
  )
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(",").map(Number));
  const dbAt = new Map(rows.map(([s, a]) => [s, a]));
  const dbSequencedAt = new Map(rows.map(([s, , q]) => [s, q]));
  const expectedEvents = rows.length;
  const unsequencedLeft = await scalar("SELECT COUNT(*) FROM event WHERE sequence IS NULL");

  // Per delivery (the measured events only).
  const endToEnd = [];
  const push = [];
  const received = new Int32Array(config.n);
  const lastSeq = new Float64Array(config.n);
  let duplicates = 0;
  let outOfOrder = 0;
  let occurredAtMismatch = 0;
  let firstRecv = Infinity;
  let lastRecv = -Infinity;
  const firstBySeq = new Map();
  const lastBySeq = new Map();
  const buckets = new Map();
  for (const p of parts) {
    for (let i = 0; i < p.dSeq.length; i++) {
      const seq = p.dSeq[i];
      const conn = p.dConn[i];
      const t = p.dRecv[i];
      // Order per client (each thread's arrays are in arrival order).
      if (seq === lastSeq[conn]) duplicates += 1;
      else if (seq < lastSeq[conn]) outOfOrder += 1;
      if (seq > lastSeq[conn]) lastSeq[conn] = seq;
      if (seq <= warmupSeq) continue;
      received[conn] += 1;
      const at = occurredAt.get(seq) ?? dbAt.get(seq);
      endToEnd.push(t - at);
      push.push(t - (dbSequencedAt.get(seq) ?? NaN));
      if (t < firstRecv) firstRecv = t;
      if (t > lastRecv) lastRecv = t;
      if (!(firstBySeq.get(seq) <= t)) firstBySeq.set(seq, t);
      if (!(lastBySeq.get(seq) >= t)) lastBySeq.set(seq, t);
      bump(buckets, Math.floor(t / 1000));
    }
  }
  for (const [seq, at] of occurredAt) {
    if (dbAt.has(seq) && Math.abs(at - dbAt.get(seq)) > 1) occurredAtMismatch += 1;
  }
  const deliveries = endToEnd.length;
  let clientsMissing = 0;
  let missing = 0;
  for (const c of ackedClients) {
    const short = expectedEvents - received[c];
    if (short > 0) {
      clientsMissing += 1;
      missing += short;
    }
  }
  const relay = rows.map(([, a, q]) => q - a);
  const firstPush = [...firstBySeq.entries()].map(([seq, t]) => t - dbSequencedAt.get(seq));
  const fanOut = [...firstBySeq.entries()].map(([seq, t]) => lastBySeq.get(seq) - t);
  const perSecond = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  // Per event, in order: [sequence, s after the first write, relay ms, first push ms, fan-out
  // ms]: whether latency spikes are periodic (e.g. with the 15-s session re-check).
  const timeline = rows.map(([seq, a, q]) => [
    seq,
    Math.round((a - writeStart) / 100) / 10,
    Math.round(q - a),
    firstBySeq.has(seq) ? Math.round(firstBySeq.get(seq) - q) : null,
    firstBySeq.has(seq) ? Math.round(lastBySeq.get(seq) - firstBySeq.get(seq)) : null,
  ]);

  // Statistics.
  function summary(values) {
    const sorted = Float64Array.from(values).sort();
    const at = (p) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : null;
    const r = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      count: sorted.length,
      min: r(sorted[0]),
      p50: r(at(50)),
      p90: r(at(90)),
      p99: r(at(99)),
      p999: r(at(99.9)),
      max: r(sorted[sorted.length - 1]),
      mean: r(sorted.length ? sum / sorted.length : null),
    };
  }
  const windowSeconds = (lastRecv - firstRecv) / 1000;
  const steadySeconds = (drainEnd - writeStart) / 1000;
  const perConnection = (label) =>
    samples.before.serverRssKiB && samples[label]?.serverRssKiB && acked > 0
      ? Math.round(((samples[label].serverRssKiB - samples.before.serverRssKiB) / acked) * 10) / 10
      : null;
  const report = {
    config: { ...config, key: undefined, db: config.db.replace(/\/\/[^@]*@/, "//…@") },
    connect: {
      requested: config.n,
      acked,
      failedBeforeAck: total("failedBeforeAck"),
      seconds: Math.round(connectSeconds * 10) / 10,
      warmupReceivedBy,
    },
    events: { written: written - 1, sequenced: expectedEvents, unsequencedLeft, occurredAtMismatch },
    deliveries: {
      expected: expectedEvents * acked,
      received: deliveries,
      missing,
      clientsMissing,
      duplicates,
      outOfOrder,
      windowSeconds: Math.round(windowSeconds * 10) / 10,
      perSecondOverWindow: windowSeconds > 0 ? Math.round(deliveries / windowSeconds) : null,
      perSecondOverWrites: Math.round(deliveries / ((writeEnd - writeStart) / 1000)),
      peakOneSecond: perSecond.length ? Math.max(...perSecond) : 0,
    },
    latencyMs: {
      endToEnd_receiveMinusOccurredAt: summary(endToEnd),
      relay_sequencedAtMinusAt_perEvent: summary(relay),
      push_receiveMinusSequencedAt: summary(push),
      firstDeliveryPerEvent_receiveMinusSequencedAt: summary(firstPush),
      fanOutPerEvent_lastMinusFirstDelivery: summary(fanOut),
    },
    closes: {
      afterAck: closedAfterAck,
      duringRun: closedAfterAck - closedBeforeRun,
      byCode: Object.fromEntries(closeCodes),
    },
    errors: Object.fromEntries(errors),
    memory: {
      samples,
      serverPeakRssKiB: serverPeakRss || null,
      serverRssPerConnectionKiB: perConnection("connected"),
      serverRssPerConnectionAtEndKiB: perConnection("end"),
      serverRssEvery5s: rssSeries,
    },
    cpu: {
      serverConnectSeconds: cpuBefore !== null ? (cpuConnected - cpuBefore) / 100 : null,
      serverSteadyPercentOfOneCore: cpuSteady !== null ? Math.round(((cpuEnd - cpuSteady) / 100 / steadySeconds) * 100) : null,
      clientSteadyPercentOfOneCore: Math.round(((clientCpu.user + clientCpu.system) / 1e6 / steadySeconds) * 100),
      clientEventLoopDelayMsWorstThread: {
        p50: Math.max(...loops.map((l) => l.p50)),
        p99: Math.max(...loops.map((l) => l.p99)),
        max: Math.max(...loops.map((l) => l.max)),
      },
    },
    idle: idleReport,
    database: {
      // pg_stat_database lags by up to a second or so: an estimate.
      transactionsPerSecondSteadyExcludingWriter:
        Math.round(((xactEnd - xactSteady - (written - 1) - (queriesEnd - queriesSteady)) / steadySeconds) * 10) / 10,
    },
    seconds: Math.round((now() - started) / 100) / 10,
    deliveriesPerSecondTimeline: perSecond,
    eventTimeline_seq_s_relayMs_firstPushMs_fanOutMs: timeline,
  };
  const text = JSON.stringify(report, (k, v) => v, 2).replace(/\[\s+([-\d.,\snul]+?)\s+\]/g, (m, inner) => `[${inner.replace(/\s+/g, " ")}]`);
  console.log(text);
  if (config.out) writeFileSync(config.out, text + "\n");

  // Close everything.
  clearInterval(peakTimer);
  await Promise.all(workers.map((w) => ask(w, { type: "close" }, "closed")));
  psql.stdin.end();
  await sleep(200);
  process.exit(0);
}
