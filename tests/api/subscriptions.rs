//! GraphQL subscriptions over WebSocket (issue 17), driven by real clients pinned in
//! `tools/graphql-ws/package-lock.json`: npm `graphql-ws` (the graphql-transport-ws
//! subprotocol) and `subscriptions-transport-ws@0.11.0` (the legacy graphql-ws subprotocol).
//! Events are written as the service writes them (the outbox, in a transaction of the test's
//! own) and numbered by the app's own relay, so they reach subscribers as in production.

use crate::helpers::*;
use api::core::service::events::{self, Audience, EntityKind, EventDraft};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
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
        Client::spawn(
            app,
            &[
                protocol,
                authorization,
                query,
                &variables.to_string(),
                &count.to_string(),
            ],
        )
    }

    /// A raw graphql-transport-ws (or other) conversation: `frames` sent in order once open
    /// (see `subscribe.mjs`, raw mode), with `subprotocols` offered.
    fn raw(app: &TestApp, subprotocols: &str, frames: Value) -> Client {
        Client::spawn(app, &["raw", subprotocols, &frames.to_string()])
    }

    fn spawn(app: &TestApp, args: &[&str]) -> Client {
        let mut child = Command::new("node")
            .current_dir(tools())
            .arg("subscribe.mjs")
            .arg(format!("ws://127.0.0.1:{}/graphql", app.port))
            .args(args)
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

    /// The next printed line within `wait`, if any.
    async fn within(&self, wait: Duration) -> Option<Value> {
        let deadline = Instant::now() + wait;
        loop {
            if let Ok(line) = self.lines.try_recv() {
                return Some(line);
            }
            if Instant::now() >= deadline {
                return None;
            }
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Asserts that the client prints nothing for `wait`.
    async fn silent_for(&self, wait: Duration, what: &str) {
        if let Some(line) = self.within(wait).await {
            panic!("{what}: expected nothing, got {line}");
        }
    }

    /// The close the client reports (skipping the messages and errors before it), within 20 s.
    async fn closed(&self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        while let Some(line) = self
            .within(deadline.saturating_duration_since(Instant::now()))
            .await
        {
            if !line["closed"].is_null() {
                return line["closed"].clone();
            }
        }
        panic!("the connection was not closed in 20 s");
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

/// An appeal event of `body`, reaching `to`, as the service writes it.
fn appeal_draft(body: &str, to: &str) -> EventDraft {
    EventDraft {
        entity: EntityKind::Appeal,
        entity_id: Uuid::new_v4(),
        application_id: None,
        body: Some(body.to_owned()),
        from: Some("DRAFT".to_owned()),
        to: to.to_owned(),
        actor_role: api::core::domain::ActorRole::Applicant,
        actor_person: None,
        audience: vec![Audience::Bin(body.to_owned())],
        at: now(),
    }
}

/// Writes one appeal event of `body` and commits it; the appeal's id.
async fn write_event(app: &TestApp, body: &str, to: &str) -> Uuid {
    let db = api::core::database::connect(&app.database_url)
        .await
        .expect("the test database");
    let written = events::record(&db, appeal_draft(body, to))
        .await
        .expect("an event");
    let _ = db.close().await;
    written.entity_id
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

const TRANSPORT_WS: &str = "graphql-transport-ws";
const AIGERIM: &str = "871008401427";
const NURLAN: &str = "760212350620";

/// The event of a `statusEvents` line (no errors).
fn status_event(line: &Value) -> Value {
    assert_eq!(line["errors"], Value::Null, "{line}");
    let event = line["next"]["statusEvents"].clone();
    assert!(event["sequence"].is_i64(), "an event: {line}");
    event
}

/// Every event `token` reads through the `events` query, oldest first.
async fn stored_events(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app
        .graphql(
            "query { events(first: 100) { edges { node { id sequence cursor type to subjectId } } } }",
            json!({}),
            Some(token),
        )
        .await;
    assert!(response["errors"].is_null(), "{response}");
    response["data"]["events"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

fn appeal_id(appeal: Uuid) -> Value {
    json!(api::graphql::ids::encode("Appeal", appeal).to_string())
}

/// Waits until `count` events are numbered by the app's own relay (as `token` reads them).
async fn sequenced_by_the_app(app: &TestApp, token: &str, count: usize) -> Vec<Value> {
    for _ in 0..100 {
        let events = stored_events(app, token).await;
        if events.len() >= count {
            return events;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the app's relay did not number {count} events in 10 s");
}

#[actix_web::test]
async fn a_subscriber_resumes_from_its_cursor_without_gap_or_duplicate() {
    if !clients_available("subscriptions") {
        return;
    }
    // Both protocols at once, each on an app of its own.
    futures_join(resume("transport"), resume("legacy")).await;
}

/// Three events stored, a subscription after the first one's cursor while two more are
/// written, then a reconnection with the last cursor received after one more.
async fn resume(protocol: &str) {
    let app = spawn_app(Backend::Sqlite).await;
    let key = integrator_key(&app, &[BODY]).await;
    let mut appeals = Vec::new();
    for to in ["RECEIVED", "REFERRED", "DECIDED"] {
        appeals.push(write_event(&app, BODY, to).await);
    }
    // Numbered on a connection of the test's own (the app's reader may not have read them).
    sequence_events(&app).await;
    let stored = stored_events(&app, &key).await;
    assert_eq!(stored.len(), 3, "{protocol}: {stored:?}");

    let client = Client::start(
        &app,
        protocol,
        &key,
        STATUS_EVENTS,
        json!({ "after": stored[0]["cursor"] }),
        100,
    );
    client.ready().await;
    // One more at once, numbered at once too: it may come by the replay, by the live
    // stream, or both (the seam), and must come once.
    appeals.push(write_event(&app, BODY, "RECEIVED").await);
    sequence_events(&app).await;
    let mut got = vec![status_event(&client.next().await)];
    got.push(status_event(&client.next().await));
    // And one while live, numbered by the app's relay (which wakes its reader).
    appeals.push(write_event(&app, BODY, "REFERRED").await);
    got.push(status_event(&client.next().await));
    got.push(status_event(&client.next().await));
    client
        .silent_for(
            Duration::from_secs(2),
            &format!("{protocol}: after event 5"),
        )
        .await;

    let stored = stored_events(&app, &key).await;
    assert_eq!(stored.len(), 5, "{protocol}: {stored:?}");
    assert_eq!(
        got,
        stored[1..],
        "{protocol}: events 2 to 5, each once, in order"
    );
    assert_eq!(
        got.iter()
            .map(|e| e["subjectId"].clone())
            .collect::<Vec<_>>(),
        appeals[1..]
            .iter()
            .copied()
            .map(appeal_id)
            .collect::<Vec<_>>(),
        "{protocol}"
    );
    let sequences: Vec<i64> = got
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap_or(0))
        .collect();
    assert!(
        sequences.windows(2).all(|w| w[0] < w[1]),
        "{protocol}: {sequences:?}"
    );
    drop(client);

    // Disconnected: one more is written and numbered; reconnecting with the last cursor
    // received delivers exactly it, then the live ones.
    let last_cursor = got[3]["cursor"].clone();
    appeals.push(write_event(&app, BODY, "DECIDED").await);
    sequence_events(&app).await;
    let client = Client::start(
        &app,
        protocol,
        &key,
        STATUS_EVENTS,
        json!({ "after": last_cursor }),
        100,
    );
    client.ready().await;
    let sixth = status_event(&client.next().await);
    assert_eq!(
        sixth["subjectId"],
        appeal_id(appeals[5]),
        "{protocol}: {sixth}"
    );
    assert_eq!(sixth["to"], "DECIDED", "{protocol}");
    assert!(
        sixth["sequence"].as_i64() > got[3]["sequence"].as_i64(),
        "{protocol}"
    );
    appeals.push(write_event(&app, BODY, "RECEIVED").await);
    let seventh = status_event(&client.next().await);
    assert_eq!(
        seventh["subjectId"],
        appeal_id(appeals[6]),
        "{protocol}: {seventh}"
    );
    client
        .silent_for(
            Duration::from_secs(2),
            &format!("{protocol}: after the resume"),
        )
        .await;
    let stored = stored_events(&app, &key).await;
    assert_eq!([sixth, seventh], stored[5..], "{protocol}");
}

/// Starts a raw graphql-transport-ws conversation.
fn raw_transport(app: &TestApp, frames: Value) -> Client {
    Client::raw(app, TRANSPORT_WS, frames)
}

/// The close code a raw conversation ends with and how long after the open (asserting it
/// opened with graphql-transport-ws), and what it received before.
async fn close_of(client: &Client, what: &str) -> (u16, Duration, Vec<Value>) {
    let open = client.next().await;
    assert_eq!(open["open"], TRANSPORT_WS, "{what}: {open}");
    let mut before = Vec::new();
    loop {
        let line = client.next().await;
        if !line["closed"].is_null() {
            let code = line["closed"]["code"]
                .as_u64()
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or_else(|| panic!("{what}: a close code: {line}"));
            let after = Duration::from_millis(line["closed"]["ms"].as_u64().unwrap_or_default());
            return (code, after, before);
        }
        assert!(
            line["timeout"].is_null(),
            "{what}: never closed: {before:?}"
        );
        before.push(line);
    }
}

fn messages_of_type<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|l| l["message"]["type"] == kind)
        .collect()
}

fn subscribe_frame(id: &str, query: &str) -> Value {
    json!({ "id": id, "type": "subscribe", "payload": { "query": query } })
}

#[actix_web::test]
async fn graphql_transport_ws_closes_with_its_codes() {
    if !clients_available("subscriptions") {
        return;
    }
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("SUBSCRIPTION_INIT_TIMEOUT_SECONDS", "1")],
    )
    .await;
    let key = integrator_key(&app, &[BODY]).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": key } });
    let ack = json!({ "$wait": "connection_ack" });
    let live = "subscription { statusEvents { id } }";
    let mut twenty_one = vec![init.clone(), ack.clone()];
    twenty_one.extend((1..=20).map(|i| subscribe_frame(&i.to_string(), live)));
    // Past the init timeout, twenty at once are allowed; a completed one frees its place.
    twenty_one.extend([
        json!({ "$sleep": 1200 }),
        json!({ "$mark": "twenty" }),
        json!({ "id": "1", "type": "complete" }),
        subscribe_frame("21", live),
        json!({ "$sleep": 300 }),
        json!({ "$mark": "twenty again" }),
        subscribe_frame("22", live),
    ]);
    // All at once: the init timeout's second runs beside the others.
    let cases = [
        (
            "a bad token",
            json!([{ "type": "connection_init", "payload": { "authorization": "rs_live_nonsense" } }]),
            4403,
        ),
        (
            "no authorization",
            json!([{ "type": "connection_init", "payload": {} }]),
            4403,
        ),
        (
            "a subscribe before connection_init",
            json!([subscribe_frame("1", live)]),
            4401,
        ),
        ("malformed JSON first", json!(["{ not json"]), 4400),
        (
            "malformed JSON after the ack",
            json!([init.clone(), ack.clone(), "{\"type\": \"subscribe\", "]),
            4400,
        ),
        ("no connection_init", json!([]), 4408),
        ("21 subscriptions", Value::Array(twenty_one), 4429),
    ];
    let clients: Vec<(&str, Client, u16)> = cases
        .into_iter()
        .map(|(what, frames, code)| (what, raw_transport(&app, frames), code))
        .collect();
    for (what, client, expected) in &clients {
        let (code, elapsed, before) = close_of(client, what).await;
        assert_eq!(code, *expected, "{what}: {before:?}");
        match *expected {
            4403 | 4401 => assert!(
                messages_of_type(&before, "connection_ack").is_empty(),
                "{what}: never acknowledged: {before:?}"
            ),
            4408 => assert!(
                elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(3),
                "{what}: closed after {elapsed:?}"
            ),
            4429 => {
                let marks: Vec<&Value> = before.iter().filter(|l| !l["mark"].is_null()).collect();
                assert_eq!(
                    marks,
                    [
                        &json!({ "mark": "twenty" }),
                        &json!({ "mark": "twenty again" })
                    ],
                    "{what}: open with twenty, closed at the twenty-first at once: {before:?}"
                );
                assert_eq!(
                    messages_of_type(&before, "connection_ack").len(),
                    1,
                    "{what}"
                );
                assert!(
                    messages_of_type(&before, "error").is_empty(),
                    "{what}: {before:?}"
                );
            }
            _ => {}
        }
    }
}

#[actix_web::test]
async fn the_upgrade_needs_one_of_the_two_subprotocols() {
    if !clients_available("subscriptions") {
        return;
    }
    let app = spawn_app(Backend::Sqlite).await;
    for (offered, chosen) in [
        ("graphql-transport-ws", "graphql-transport-ws"),
        ("graphql-ws", "graphql-ws"),
        ("graphql-ws, graphql-transport-ws", "graphql-transport-ws"),
    ] {
        let client = Client::raw(&app, offered, json!([]));
        let open = client.next().await;
        assert_eq!(open["open"], chosen, "{offered}: {open}");
    }
    for offered in ["mqtt", ""] {
        let client = Client::raw(&app, offered, json!([]));
        let line = client.next().await;
        assert_eq!(line["unexpected"]["status"], 400, "{offered:?}: {line}");
        assert!(
            line["unexpected"]["body"]
                .as_str()
                .is_some_and(|b| b.contains("graphql-transport-ws")),
            "{offered:?}: {line}"
        );
    }
    // The same with a hand-written upgrade request.
    let response = request(
        app.port,
        "GET",
        "/graphql",
        vec![
            ("Upgrade".to_owned(), "websocket".to_owned()),
            ("Sec-WebSocket-Version".to_owned(), "13".to_owned()),
            (
                "Sec-WebSocket-Key".to_owned(),
                "dGhlIHNhbXBsZSBub25jZQ==".to_owned(),
            ),
            (
                "Sec-WebSocket-Protocol".to_owned(),
                "graphql-sse, mqtt".to_owned(),
            ),
        ],
        String::new(),
    )
    .await;
    assert_eq!(response.status, 400, "{}", response.body);
}

/// Creates an empty draft of the person signed in with `token`: its global ID, number and
/// version.
async fn create_draft(app: &TestApp, token: &str) -> Value {
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id number version } userErrors { code } } }",
            json!({ "input": {} }),
            Some(token),
        )
        .await;
    let draft = created["data"]["createApplication"]["application"].clone();
    assert!(draft["id"].is_string(), "{created}");
    draft
}

const NOTIFICATION_ADDED: &str =
    "subscription { notificationAdded { id text subject toStatus applicationId } }";
const STATUS_CHANGED: &str =
    "subscription($id: ID!) { applicationStatusChanged(id: $id) { type from to subjectId } }";
const PERSON_EVENTS: &str = "subscription { statusEvents { type to subjectId } }";

/// The newest of the person's notifications.
async fn newest_notification(app: &TestApp, token: &str) -> Value {
    let response = app
        .graphql(
            "query { myNotifications(first: 1) { edges { node { id toStatus } } } }",
            json!({}),
            Some(token),
        )
        .await;
    response["data"]["myNotifications"]["edges"][0]["node"].clone()
}

/// Waits until the person's newest notification reached `to` (numbered by the app's relay).
async fn notified(app: &TestApp, token: &str, to: &str) -> Value {
    for _ in 0..100 {
        let newest = newest_notification(app, token).await;
        if newest["toStatus"] == to {
            return newest;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no notification of {to} in 10 s");
}

#[actix_web::test]
async fn a_person_is_pushed_their_own_status_changes_and_notifications_only() {
    if !clients_available("subscriptions") {
        return;
    }
    let app = spawn_app(Backend::Sqlite).await;
    let aigerim = signed_in(&app, AIGERIM).await;
    let nurlan = signed_in(&app, NURLAN).await;
    let draft = create_draft(&app, &aigerim).await;
    // The draft's creation is numbered and broadcast before anyone subscribes.
    notified(&app, &aigerim, "DRAFT").await;
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;

    let her_notifications = Client::start(
        &app,
        "transport",
        &aigerim,
        NOTIFICATION_ADDED,
        json!({}),
        100,
    );
    let her_application = Client::start(
        &app,
        "transport",
        &aigerim,
        STATUS_CHANGED,
        json!({ "id": draft["id"] }),
        100,
    );
    let his_notifications = Client::start(
        &app,
        "transport",
        &nurlan,
        NOTIFICATION_ADDED,
        json!({}),
        100,
    );
    let his_events = Client::start(&app, "legacy", &nurlan, PERSON_EVENTS, json!({}), 100);
    // Her application is no one else's to follow.
    let his_look = Client::start(
        &app,
        "transport",
        &nurlan,
        STATUS_CHANGED,
        json!({ "id": draft["id"] }),
        100,
    );
    for client in [
        &her_notifications,
        &her_application,
        &his_notifications,
        &his_events,
        &his_look,
    ] {
        client.ready().await;
    }
    let refused = his_look.next().await;
    assert_eq!(refused["next"], Value::Null, "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "another's application is not found: {refused}"
    );
    assert_eq!(
        refused["errors"][0]["path"],
        json!(["applicationStatusChanged"]),
        "{refused}"
    );
    let ended = his_look.next().await;
    assert_eq!(ended, json!({ "complete": true }), "{ended}");
    // Subscribed (the clients send their subscribe right after the ack).
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;

    let withdrawn = app
        .graphql(
            "mutation($input: WithdrawApplicationInput!) { withdrawApplication(input: $input) { application { status } userErrors { code } } }",
            json!({ "input": { "id": draft["id"], "version": draft["version"] } }),
            Some(&aigerim),
        )
        .await;
    assert_eq!(
        withdrawn["data"]["withdrawApplication"]["application"]["status"], "WITHDRAWN",
        "{withdrawn}"
    );
    let change = her_application.next().await;
    assert_eq!(change["errors"], Value::Null, "{change}");
    assert_eq!(
        change["next"]["applicationStatusChanged"],
        json!({ "type": "APPLICATION", "from": "DRAFT", "to": "WITHDRAWN", "subjectId": draft["id"] }),
        "{change}"
    );
    let notification = her_notifications.next().await;
    assert_eq!(notification["errors"], Value::Null, "{notification}");
    let notification = &notification["next"]["notificationAdded"];
    assert_eq!(notification["subject"], "APPLICATION", "{notification}");
    assert_eq!(notification["toStatus"], "WITHDRAWN", "{notification}");
    assert_eq!(notification["applicationId"], draft["id"], "{notification}");
    let number = draft["number"].as_str().expect("a number");
    assert!(
        notification["text"]
            .as_str()
            .is_some_and(|t| t.contains(number)),
        "{notification}"
    );
    // The very notification she reads in her account.
    let listed = newest_notification(&app, &aigerim).await;
    assert_eq!(notification["id"], listed["id"], "{listed}");

    // Nothing of hers reaches him.
    his_notifications
        .silent_for(Duration::from_secs(3), "his notifications")
        .await;
    his_events
        .silent_for(Duration::from_millis(10), "his events")
        .await;
    his_look
        .silent_for(Duration::from_millis(10), "his look")
        .await;
    // His own change reaches his subscriptions (they were live all along), not hers.
    let his_draft = create_draft(&app, &nurlan).await;
    let his = his_notifications.next().await;
    assert_eq!(
        his["next"]["notificationAdded"]["applicationId"], his_draft["id"],
        "{his}"
    );
    assert_eq!(
        his["next"]["notificationAdded"]["toStatus"], "DRAFT",
        "{his}"
    );
    let his = his_events.next().await;
    assert_eq!(
        his["next"]["statusEvents"],
        json!({ "type": "APPLICATION", "to": "DRAFT", "subjectId": his_draft["id"] }),
        "{his}"
    );
    her_notifications
        .silent_for(Duration::from_secs(2), "her notifications")
        .await;
    her_application
        .silent_for(Duration::from_millis(10), "her application")
        .await;
}

#[actix_web::test]
async fn a_subscription_ends_with_4403_when_its_session_does() {
    if !clients_available("subscriptions") {
        return;
    }
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("SUBSCRIPTION_SESSION_CHECK_SECONDS", "1")],
    )
    .await;
    let aigerim = signed_in(&app, AIGERIM).await;
    let nurlan = signed_in(&app, NURLAN).await;
    let hers = Client::start(
        &app,
        "transport",
        &aigerim,
        NOTIFICATION_ADDED,
        json!({}),
        100,
    );
    let his = Client::start(
        &app,
        "transport",
        &nurlan,
        NOTIFICATION_ADDED,
        json!({}),
        100,
    );
    // Her second connection on the same session, and an integrator's.
    let hers_too = Client::start(&app, "legacy", &aigerim, NOTIFICATION_ADDED, json!({}), 100);
    let key = integrator_key(&app, &[BODY]).await;
    let portal = Client::start(&app, "transport", &key, STATUS_EVENTS, json!({}), 100);
    for client in [&hers, &his, &hers_too, &portal] {
        client.ready().await;
    }
    // A live session passes its checks.
    hers.silent_for(Duration::from_millis(2500), "a live session")
        .await;
    let logout = app
        .graphql("mutation { logout { revoked } }", json!({}), Some(&aigerim))
        .await;
    assert_eq!(logout["data"]["logout"]["revoked"], true, "{logout}");
    let started = Instant::now();
    let closed = hers.closed().await;
    assert_eq!(closed["code"], 4403, "{closed}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // Every connection on her session ends (the legacy protocol's close reports no code).
    assert!(!hers_too.closed().await.is_null());
    // His session is not hers.
    his.silent_for(Duration::from_millis(500), "another session")
        .await;
    portal
        .silent_for(Duration::from_millis(100), "a live key")
        .await;
    // A revoked key ends its connections as an ended session does.
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let portal_id = api::core::service::admin::list_integrators(&db)
        .await
        .expect("listed")[0]
        .id;
    api::core::service::admin::revoke_integrator(&db, portal_id, now())
        .await
        .expect("revoked");
    let _ = db.close().await;
    let refused = app
        .graphql(
            "query { events(first: 1) { edges { cursor } } }",
            json!({}),
            Some(&key),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "a revoked key is refused at once: {refused}"
    );
    let closed = portal.closed().await;
    assert_eq!(closed["code"], 4403, "{closed}");
    his.silent_for(Duration::from_millis(500), "another session")
        .await;
}

/// The relay's tick out of the way: events reach subscribers only if their commit wakes the
/// relay (PostgreSQL's notice).
const NO_RELAY_TICK: (&str, &str) = ("EVENT_RELAY_INTERVAL_SECONDS", "3600");

/// A two-instance run: every instance on one PostgreSQL database and one Redis under one
/// prefix, their relays woken only by the commits' notices.
async fn instances(count: usize, relays: usize) -> Vec<TestApp> {
    let prefix = format!("test:{}:", Uuid::new_v4().simple());
    let first = spawn_app_with(
        Backend::Postgres,
        &[
            ("REDIS_URL", REDIS_URL),
            ("OTP_KEY_PREFIX", &prefix),
            NO_RELAY_TICK,
        ],
    )
    .await;
    let database_url = first.database_url.clone();
    let mut apps = vec![first];
    for i in 1..count {
        let background = if i < relays { "true" } else { "false" };
        apps.push(
            spawn_app_with(
                Backend::Postgres,
                &[
                    ("REDIS_URL", REDIS_URL),
                    ("OTP_KEY_PREFIX", &prefix),
                    ("DATABASE_URL", &database_url),
                    ("BACKGROUND_TASKS", background),
                    NO_RELAY_TICK,
                ],
            )
            .await,
        );
    }
    apps
}

#[actix_web::test]
async fn subscribers_on_every_instance_get_every_event_once_in_order() {
    if !clients_available("subscriptions") {
        return;
    }
    // A and B run the relay (either may lead), woken by each commit's notice and never by
    // their tick; C runs none: its reader is woken through Redis.
    let apps = instances(3, 2).await;
    let a = &apps[0];
    let key = integrator_key(a, &[BODY]).await;
    let clients: Vec<Client> = apps
        .iter()
        .map(|app| Client::start(app, "transport", &key, STATUS_EVENTS, json!({}), 100))
        .collect();
    for client in &clients {
        client.ready().await;
    }
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let mut appeals = Vec::new();
    let mut got: Vec<Vec<Value>> = vec![Vec::new(); clients.len()];
    for round in 0..3 {
        // Two at once, then one: each arrives on every instance within a few seconds (C's
        // reader has only Redis to wake it before its 10-second safety tick).
        let written = Instant::now();
        appeals.push(write_event(a, BODY, "RECEIVED").await);
        appeals.push(write_event(a, BODY, "REFERRED").await);
        for (i, client) in clients.iter().enumerate() {
            for _ in 0..2 {
                let line = client
                    .within(Duration::from_secs(5).saturating_sub(written.elapsed()))
                    .await
                    .unwrap_or_else(|| panic!("instance {i}, round {round}: no event in 5 s"));
                got[i].push(status_event(&line));
            }
        }
    }
    for (i, client) in clients.iter().enumerate() {
        client
            .silent_for(
                Duration::from_millis(if i == 0 { 2000 } else { 10 }),
                &format!("instance {i}"),
            )
            .await;
    }
    let stored = sequenced_by_the_app(a, &key, appeals.len()).await;
    assert_eq!(stored.len(), appeals.len(), "{stored:?}");
    let mut subjects: Vec<Value> = appeals.iter().copied().map(appeal_id).collect();
    subjects.sort_by_key(|s| stored.iter().position(|e| e["subjectId"] == *s));
    assert_eq!(
        stored
            .iter()
            .map(|e| e["subjectId"].clone())
            .collect::<Vec<_>>(),
        subjects,
        "every event written is stored once"
    );
    for (i, events) in got.iter().enumerate() {
        assert_eq!(
            events, &stored,
            "instance {i}: every event once, in sequence order"
        );
    }
}

/// The sessions that listen for committed events on the app's database (the relay's).
async fn listening_sessions(db: &sea_orm::DatabaseConnection) -> Vec<i32> {
    db.query_all_raw(sea_orm::Statement::from_string(
        sea_orm::DatabaseBackend::Postgres,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
         AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'",
    ))
    .await
    .expect("the sessions")
    .iter()
    .map(|row| row.try_get::<i32>("", "pid").expect("a pid"))
    .collect()
}

/// Waits, up to 10 s, until the relay listens on the app's database.
async fn until_listening(db: &sea_orm::DatabaseConnection, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while listening_sessions(db).await.is_empty() {
        assert!(Instant::now() < deadline, "{what} within 10 s");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn events_are_numbered_as_they_commit_and_across_a_lost_listening_connection() {
    if !clients_available("subscriptions") {
        return;
    }
    let app = spawn_app_with(Backend::Postgres, &[NO_RELAY_TICK]).await;
    let key = integrator_key(&app, &[BODY]).await;
    let client = Client::start(&app, "transport", &key, STATUS_EVENTS, json!({}), 3);
    client.ready().await;
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    until_listening(&db, "the relay listens").await;

    // Written outside any request: the commit itself wakes the relay.
    write_event(&app, BODY, "RECEIVED").await;
    let first = client
        .within(Duration::from_secs(10))
        .await
        .expect("an event numbered on its commit's notice, with no relay tick for an hour");
    assert_eq!(first["next"]["statusEvents"]["to"], "RECEIVED", "{first}");

    // The listening connection is cut and cannot be made again (the database takes no new
    // connections) while an event commits: its notice reaches nobody, and only the runs the
    // relay makes to make up for a lost connection number it.
    let database = app
        .database_url
        .rsplit('/')
        .next()
        .expect("a database name");
    // A database cannot close itself to connections: that is said from another.
    let admin = sea_orm::Database::connect(postgres_admin_url())
        .await
        .expect("the server's postgres database");
    let cut = listening_sessions(&db).await;
    assert_eq!(cut.len(), 1, "one listening session: {cut:?}");
    // The event's transaction holds its connection from before the door closes.
    let txn = db.begin().await.expect("a transaction");
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false"
        ))
        .await
        .expect("no new connections");
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        sea_orm::DatabaseBackend::Postgres,
        "SELECT pg_terminate_backend($1)",
        [cut[0].into()],
    ))
    .await
    .expect("the listening session ended");
    events::record(&txn, appeal_draft(BODY, "REFERRED"))
        .await
        .expect("an event");
    txn.commit()
        .await
        .expect("an event committed while nobody listens");
    // Its attempts to listen again fail meanwhile (it may already have run to make up).
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true"
        ))
        .await
        .expect("connections again");
    let _ = admin.close().await;
    let second = client
        .within(Duration::from_secs(15))
        .await
        .expect("the event committed across the cut");
    assert_eq!(second["next"]["statusEvents"]["to"], "REFERRED", "{second}");

    until_listening(&db, "the relay listens again").await;
    write_event(&app, BODY, "DECIDED").await;
    let third = client
        .within(Duration::from_secs(10))
        .await
        .expect("an event numbered on its notice once the relay listens again");
    assert_eq!(third["next"]["statusEvents"]["to"], "DECIDED", "{third}");
    assert!(
        sequence_of(&first) < sequence_of(&second) && sequence_of(&second) < sequence_of(&third),
        "in order: {first} {second} {third}"
    );
    let _ = db.close().await;
}

#[actix_web::test]
async fn a_message_of_unknown_type_closes_with_4400() {
    if !clients_available("subscriptions") {
        return;
    }
    let app = spawn_app(Backend::Sqlite).await;
    let key = integrator_key(&app, &[BODY]).await;
    for (what, frames) in [
        ("first", json!([{ "type": "nonsense" }])),
        (
            "after the ack",
            json!([
                { "type": "connection_init", "payload": { "authorization": key } },
                { "$wait": "connection_ack" },
                { "id": "1", "type": "nonsense" },
            ]),
        ),
    ] {
        let client = raw_transport(&app, frames);
        let (code, _, before) = close_of(&client, what).await;
        assert_eq!(code, 4400, "{what}: {before:?}");
    }
}

#[actix_web::test]
async fn subscriptions_the_server_ended_free_their_places() {
    if !clients_available("subscriptions") {
        return;
    }
    let app = spawn_app(Backend::Sqlite).await;
    let key = integrator_key(&app, &[BODY]).await;
    // An integrator may not follow an application: each of these ends at once with an error.
    let refused = "subscription { applicationStatusChanged(id: \"QXBwbGljYXRpb246MA\") { to } }";
    let mut frames = vec![
        json!({ "type": "connection_init", "payload": { "authorization": key } }),
        json!({ "$wait": "connection_ack" }),
    ];
    frames.extend((1..=20).map(|i| subscribe_frame(&i.to_string(), refused)));
    frames.extend([
        json!({ "$sleep": 1000 }),
        subscribe_frame("21", "subscription { statusEvents { id } }"),
        json!({ "$sleep": 500 }),
        json!({ "$mark": "alive" }),
    ]);
    let client = raw_transport(&app, Value::Array(frames));
    let open = client.next().await;
    assert_eq!(open["open"], TRANSPORT_WS, "{open}");
    let mut before = Vec::new();
    loop {
        let line = client.next().await;
        // Each of the twenty was ended by the server (graphql-transport-ws: no `complete` is
        // then the client's to send).
        assert!(
            line["closed"].is_null(),
            "closed: {line} after {} of the twenty ended by the server",
            messages_of_type(&before, "complete").len()
        );
        if line["mark"] == "alive" {
            break;
        }
        before.push(line);
    }
    assert_eq!(messages_of_type(&before, "complete").len(), 20);
}

/// Writes `count` appeal events of `body` in one transaction, as the service writes them.
async fn write_events(app: &TestApp, body: &str, count: usize) {
    use sea_orm::TransactionTrait;
    let db = api::core::database::connect(&app.database_url)
        .await
        .expect("the test database");
    let txn = db.begin().await.expect("a transaction");
    for _ in 0..count {
        events::record(&txn, appeal_draft(body, "RECEIVED"))
            .await
            .expect("an event");
    }
    txn.commit().await.expect("committed");
    let _ = db.close().await;
}

/// A `statusEvents` selection of about 2 KB per event (29 aliases of the global ID: the most
/// an operation may alias is 30), so that a consumer that stops reading fills the kernel's
/// socket buffers within the burst.
fn bulky_status_events() -> String {
    let aliases: Vec<String> = (1..=29).map(|i| format!("i{i}: id")).collect();
    format!(
        "subscription($after: String) {{ statusEvents(after: $after) {{ sequence cursor {} }} }}",
        aliases.join(" ")
    )
}

#[actix_web::test]
async fn a_consumer_too_slow_is_closed_with_1013_and_resumes_while_the_others_get_everything() {
    if !clients_available("subscriptions") {
        return;
    }
    // More than the buffer (1,024) plus what the kernel's socket buffers hold of a consumer
    // that stops reading (about 500 of these events here); the relay numbers 1,000 a run and
    // the reader paces its batches, so the stalled consumer blocks its connection's writes for
    // a few seconds.
    const EVENTS: usize = 3_000;
    // The stalled consumer's writes wait while the burst lasts: not dropped meanwhile, however
    // slow the machine.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("SUBSCRIPTION_WRITE_TIMEOUT_SECONDS", "120")],
    )
    .await;
    let key = integrator_key(&app, &[BODY]).await;
    // Only the stalled consumer asks for the bulky selection: the one that keeps up takes the
    // usual one, cheap enough to keep up with the paced burst on a machine busy with the
    // other tests (at 2 KB an event, a debug build there could not).
    let query = bulky_status_events();
    let keeping_up = Client::start(&app, "transport", &key, STATUS_EVENTS, json!({}), EVENTS);
    keeping_up.ready().await;
    let resume_signal = std::env::temp_dir().join(format!("resume-{}", Uuid::new_v4()));
    let slow = raw_transport(
        &app,
        json!([
            { "type": "connection_init", "payload": { "authorization": key } },
            { "$wait": "connection_ack" },
            { "id": "slow", "type": "subscribe", "payload": { "query": query } },
            { "$mark": "subscribed" },
            { "$pauseUntil": resume_signal.display().to_string() },
        ]),
    );
    let open = slow.next().await;
    assert_eq!(open["open"], TRANSPORT_WS, "{open}");
    loop {
        let line = slow.next().await;
        if line["mark"] == "subscribed" {
            break;
        }
    }
    // The subscription is registered once the server has read it.
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    write_events(&app, BODY, EVENTS).await;

    // The consumer that reads gets every event once, in order, while the other one stalls.
    let mut sequences = Vec::with_capacity(EVENTS);
    let deadline = Instant::now() + Duration::from_secs(60);
    while sequences.len() < EVENTS {
        let line = keeping_up
            .within(deadline.saturating_duration_since(Instant::now()))
            .await
            .unwrap_or_else(|| panic!("{} of {EVENTS} events in 60 s", sequences.len()));
        assert!(
            line["closed"].is_null(),
            "the reading consumer was closed: {line}"
        );
        sequences.push(sequence_of(&line));
    }
    assert!(
        sequences.windows(2).all(|w| w[1] == w[0] + 1),
        "every event once, in order"
    );

    // The stalled one, reading again, is closed with 1013 and a reason.
    std::fs::write(&resume_signal, b"").expect("the signal");
    let mut received = Vec::new();
    let closed = loop {
        let line = slow
            .within(Duration::from_secs(20))
            .await
            .unwrap_or_else(|| panic!("not closed; {} events received", received.len()));
        if !line["closed"].is_null() {
            break line["closed"].clone();
        }
        assert!(line["timeout"].is_null(), "never closed");
        if line["message"]["type"] == "next" && line["message"]["payload"]["errors"].is_null() {
            received.push(line["message"]["payload"]["data"]["statusEvents"].clone());
        }
    };
    let _ = std::fs::remove_file(&resume_signal);
    assert_eq!(closed["code"], 1013, "{closed}");
    assert_eq!(
        closed["reason"], "too slow: resume from your last cursor",
        "{closed}"
    );
    assert!(
        received.len() < EVENTS - 1024,
        "it fell more than the buffer behind: {} received",
        received.len()
    );
    let got: Vec<i64> = received
        .iter()
        .map(|e| e["sequence"].as_i64().expect("a sequence"))
        .collect();
    assert_eq!(got, sequences[..got.len()], "what it got, it got in order");

    // Resuming from its last cursor, it gets the rest: each once, in order.
    let last_cursor = received
        .last()
        .map(|e| e["cursor"].clone())
        .expect("it received some before it stalled");
    let rest = EVENTS - received.len();
    let resumed = Client::start(
        &app,
        "transport",
        &key,
        STATUS_EVENTS,
        json!({ "after": last_cursor }),
        rest,
    );
    resumed.ready().await;
    let mut after = Vec::with_capacity(rest);
    while after.len() < rest {
        let line = resumed
            .within(Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("{} of the {rest} left in 30 s", after.len()));
        after.push(sequence_of(&line));
    }
    assert_eq!(after, sequences[got.len()..], "the rest, once, in order");
}

/// The event inserted first commits last: every subscriber (an integrator on each protocol,
/// the person it names) gets both, once each, the late one after the other.
#[actix_web::test]
async fn an_event_committed_late_is_pushed_after_those_committed_before_it() {
    use sea_orm::TransactionTrait;
    if !clients_available("subscriptions") {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let key = integrator_key(&app, &[BODY]).await;
    let aigerim = signed_in(&app, AIGERIM).await;
    const QUERY: &str = "subscription { statusEvents { id sequence type } }";
    let subscribers = [
        // Three asked for, two expected: a client stays open until its count.
        Client::start(&app, "transport", &key, QUERY, json!({}), 3),
        Client::start(&app, "legacy", &key, QUERY, json!({}), 3),
        Client::start(&app, "transport", &aigerim, QUERY, json!({}), 3),
    ];
    for subscriber in &subscribers {
        subscriber.ready().await;
    }
    // Two pools are two instances: two transactions really are open at once.
    let first_instance = api::core::database::connect(&app.database_url)
        .await
        .expect("connects");
    let second_instance = api::core::database::connect(&app.database_url)
        .await
        .expect("connects");
    let early = first_instance.begin().await.expect("a transaction");
    let inserted_first = events::record(&early, crate::feed::consent_draft())
        .await
        .expect("recorded");
    let late = second_instance.begin().await.expect("a transaction");
    let inserted_second = events::record(&late, crate::feed::consent_draft())
        .await
        .expect("recorded");
    assert!(inserted_first.id < inserted_second.id, "insert order");
    late.commit().await.expect("committed");

    // The app's relay numbers the committed one; it is pushed while the other is still open.
    let mut seen: Vec<Vec<Value>> = Vec::new();
    for subscriber in &subscribers {
        let line = subscriber.next().await;
        seen.push(vec![status_event(&line)]);
    }
    early.commit().await.expect("committed");
    for (subscriber, got) in subscribers.iter().zip(&mut seen) {
        let line = subscriber.next().await;
        got.push(status_event(&line));
        subscriber
            .silent_for(Duration::from_millis(1500), "no third push")
            .await;
    }
    let expected = [
        json!(api::graphql::ids::encode("StatusEvent", inserted_second.public_id).to_string()),
        json!(api::graphql::ids::encode("StatusEvent", inserted_first.public_id).to_string()),
    ];
    for got in &seen {
        assert_eq!(
            got.iter().map(|e| e["id"].clone()).collect::<Vec<_>>(),
            expected
        );
        assert!(
            got[0]["sequence"].as_i64() < got[1]["sequence"].as_i64(),
            "{got:?}"
        );
    }
    let _ = first_instance.close().await;
    let _ = second_instance.close().await;
}
