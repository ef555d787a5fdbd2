//! A load script: starts the server in-process on a loopback port (the embedded default: SQLite
//! in a temporary file, or PostgreSQL with `DATABASE_URL`), then drives it from keep-alive
//! connections for a bounded time and prints throughput and latency percentiles per operation.
//!
//! ```sh
//! cargo run --release -p api --example load -- [SECONDS] [CONNECTIONS]
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/load APP_ENV=development \
//!     cargo run --release -p api --example load -- 10 16
//! ```
//! Operations: `createAuthChallenge` (a database write per request) and an anonymous `viewer`
//! refused at authentication (the cheapest full GraphQL round trip) — the authenticated paths
//! need EDS keys, which the end-to-end tests cover instead.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a measurement script"
)]

use api::configuration::Settings;
use api::startup::Application;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const OPERATIONS: [(&str, &str); 2] = [
    (
        "createAuthChallenge",
        r#"{"query":"mutation { createAuthChallenge { challenge { id payload } } }"}"#,
    ),
    (
        "GraphQL round trip (unauthenticated)",
        r#"{"query":"{ viewer { id } }"}"#,
    ),
];

/// One request over a keep-alive connection; returns the status.
async fn post(stream: &mut BufReader<TcpStream>, body: &str) -> u16 {
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .await
        .expect("write");
    let mut status_line = String::new();
    stream.read_line(&mut status_line).await.expect("status");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.expect("header");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.expect("body");
    status
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seconds: u64 = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10)
        .min(120);
    let connections: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(16)
        .min(256);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut env: HashMap<String, String> = std::env::vars().collect();
        env.insert("BIND_ADDR".to_owned(), "127.0.0.1:0".to_owned());
        let scratch = std::env::temp_dir().join(format!("registration-load-{}.sqlite", std::process::id()));
        env.entry("DATABASE_URL".to_owned()).or_insert_with(|| format!("sqlite://{}?mode=rwc", scratch.display()));
        let settings = Settings::from_sources(|name| env.get(name).cloned()).expect("settings");
        println!("database: {}", if settings.is_sqlite() { "SQLite" } else { "PostgreSQL" });
        let (started, ready) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let application = Application::build(settings).await.expect("the server starts");
                started.send(application.port()).expect("port");
                application.run_until_stopped().await.expect("serves");
            });
        });
        let port = ready.recv().expect("the server's port");
        for (name, body) in OPERATIONS {
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut tasks = Vec::new();
            for _ in 0..connections {
                tasks.push(tokio::spawn(async move {
                    let mut stream = BufReader::new(TcpStream::connect(("127.0.0.1", port)).await.expect("connect"));
                    let mut latencies = Vec::new();
                    let mut failures = 0u64;
                    while Instant::now() < deadline {
                        let started = Instant::now();
                        if post(&mut stream, body).await != 200 {
                            failures += 1;
                        }
                        latencies.push(started.elapsed());
                    }
                    (latencies, failures)
                }));
            }
            let mut latencies = Vec::new();
            let mut failures = 0;
            for task in tasks {
                let (l, f) = task.await.expect("a client");
                latencies.extend(l);
                failures += f;
            }
            latencies.sort();
            println!(
                "{name}: {} requests in {seconds} s over {connections} connections = {:.0}/s; p50 {:?}, p95 {:?}, p99 {:?}; non-200: {failures}",
                latencies.len(),
                latencies.len() as f64 / seconds as f64,
                percentile(&latencies, 0.50),
                percentile(&latencies, 0.95),
                percentile(&latencies, 0.99),
            );
        }
        let _ = std::fs::remove_file(&scratch);
    });
}
