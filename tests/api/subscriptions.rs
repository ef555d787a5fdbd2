//! GraphQL subscriptions over WebSocket (issue 17), driven by real clients pinned in
//! `tools/graphql-ws/package-lock.json`: npm `graphql-ws` (the graphql-transport-ws
//! subprotocol) and `subscriptions-transport-ws@0.11.0` (the legacy graphql-ws subprotocol).
//! Events are written as the service writes them (the outbox, in a transaction of the test's
//! own) and numbered by the app's own relay, so they reach subscribers as in production.

use crate::helpers::*;
use api::core::service::events::{self, Audience, EntityKind, EventDraft};
use serde_json::{Value, json};
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use uuid::Uuid;

const BODY: &str = "940140000385";

fn tools() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/graphql-ws")
}

fn clients_available(test: &str) -> bool {
    let missing = (!tools().join("node_modules/graphql-ws").is_dir()).then(|| {
        format!(
            "graphql-ws is not installed: run `npm ci --prefer-offline --no-audit --no-fund` in {}",
            tools().display()
        )
    });
    peer_available(test, missing)
}

/// A subscription client running: its printed lines arrive on `lines`.
struct Client {
    child: Child,
    lines: mpsc::Receiver<Value>,
}

impl Client {
    fn start(
        app: &TestApp,
        protocol: &str,
        authorization: &str,
        query: &str,
        variables: Value,
        count: usize,
    ) -> Client {
        let mut child = Command::new("node")
            .current_dir(tools())
            .arg("subscribe.mjs")
            .arg(format!("ws://127.0.0.1:{}/graphql", app.port))
            .arg(protocol)
            .arg(authorization)
            .arg(query)
            .arg(variables.to_string())
            .arg(count.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Ok(value) = serde_json::from_str::<Value>(&line) {
                    let _ = sender.send(value);
                }
            }
        });
        Client { child, lines }
    }

    /// The next printed line, waiting up to 20 s (events are pushed within about a second).
    async fn next(&self) -> Value {
        for _ in 0..400 {
            if let Ok(line) = self.lines.try_recv() {
                return line;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the client printed nothing in 20 s");
    }

    async fn ready(&self) {
        let line = self.next().await;
        assert_eq!(line["ready"], true, "{line}");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn integrator_key(app: &TestApp, bodies: &[&str]) -> String {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let key = api::core::service::admin::add_integrator(
        &db,
        "a municipal portal",
        &api::core::auth::viewer::IntegratorScope {
            bodies: bodies.iter().map(|b| (*b).to_owned()).collect(),
            types: vec!["*".to_owned()],
        },
        now(),
    )
    .await
    .expect("an integrator");
    let _ = db.close().await;
    key
}

/// Writes one appeal event of `body`, as the service writes it, and commits it.
async fn write_event(app: &TestApp, body: &str, to: &str) -> Uuid {
    let db = api::core::database::connect(&app.database_url)
        .await
        .expect("the test database");
    let appeal = Uuid::new_v4();
    events::record(
        &db,
        EventDraft {
            entity: EntityKind::Appeal,
            entity_id: appeal,
            application_id: None,
            body: Some(body.to_owned()),
            from: Some("DRAFT".to_owned()),
            to: to.to_owned(),
            actor_role: api::core::domain::ActorRole::Applicant,
            actor_person: None,
            audience: vec![Audience::Bin(body.to_owned())],
            at: now(),
        },
    )
    .await
    .expect("an event");
    let _ = db.close().await;
    appeal
}

const STATUS_EVENTS: &str = "subscription($after: String) { statusEvents(after: $after) { id sequence cursor type to subjectId } }";

fn sequence_of(line: &Value) -> i64 {
    line["next"]["statusEvents"]["sequence"]
        .as_i64()
        .unwrap_or_else(|| panic!("an event: {line}"))
}

#[actix_web::test]
async fn both_protocols_push_live_events_to_an_integrator_in_order() {
    if !clients_available("subscriptions") {
        return;
    }
    for protocol in ["transport", "legacy"] {
        let app = spawn_app(Backend::Sqlite).await;
        let key = integrator_key(&app, &[BODY]).await;
        let client = Client::start(&app, protocol, &key, STATUS_EVENTS, json!({}), 3);
        client.ready().await;
        // Another body's event is not this integrator's.
        write_event(&app, "940140000048", "RECEIVED").await;
        write_event(&app, BODY, "RECEIVED").await;
        write_event(&app, BODY, "REFERRED").await;
        write_event(&app, BODY, "DECIDED").await;
        let mut got = Vec::new();
        for _ in 0..3 {
            let line = client.next().await;
            assert_eq!(line["errors"], Value::Null, "{protocol}: {line}");
            got.push(line);
        }
        assert_eq!(got.len(), 3, "{protocol}: {got:?}");
        let sequences: Vec<i64> = got.iter().map(sequence_of).collect();
        assert!(
            sequences.windows(2).all(|w| w[0] < w[1]),
            "{protocol}: in order: {sequences:?}"
        );
        assert_eq!(
            got.iter()
                .map(|l| l["next"]["statusEvents"]["to"].clone())
                .collect::<Vec<_>>(),
            [json!("RECEIVED"), json!("REFERRED"), json!("DECIDED")],
            "{protocol}"
        );
    }
}
