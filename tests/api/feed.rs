//! The event feed end to end (issue 17, first part).

use crate::helpers::*;
use api::core::ManualClock;
use api::core::auth::viewer::IntegratorScope;
use api::core::database;
use api::core::domain::ActorRole;
use api::core::service::events::{self, Audience, EntityKind, EventDraft, relay};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use uuid::Uuid;

/// The demo body, the service body of the test apps.
const BODY: &str = "940140000385";
/// Its parent, the ministry (made-up BIN): a body that handles none of these subjects.
const MINISTRY: &str = "940140000048";
/// Aigerim: the sole owner of her flat, so her application is registered at once.
const AIGERIM: &str = "871008401427";
const AIGERIM_FLAT: &str = "0201900148270042";
const AIGERIM_NAME: &str = "Серикова Айгерим Нурлановна";
/// Nurlan and Gulnar: half each of their flat, so his application waits for her consent.
const NURLAN: &str = "760212350620";
const GULNAR: &str = "790514400122";
const THEIR_FLAT: &str = "0101200057310097";
/// Dana: owns nothing, files nothing.
const DANA: &str = "061211600012";

const EVENTS: &str = "query($after: String, $first: Int, $filter: StatusEventFilter) { events(after: $after, first: $first, filter: $filter) { edges { cursor node { id cursor sequence type occurredAt subject { id } subjectId from to actorRole } } pageInfo { hasNextPage endCursor } } }";

/// An integrator's API key with this scope.
async fn key(app: &TestApp, name: &str, bodies: &[&str], types: &[&str]) -> String {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let scope = IntegratorScope {
        bodies: bodies.iter().map(|b| (*b).to_owned()).collect(),
        types: types.iter().map(|t| (*t).to_owned()).collect(),
    };
    let key = api::core::service::admin::add_integrator(&db, name, &scope, now())
        .await
        .expect("an API key");
    let _ = db.close().await;
    key
}

/// The whole response to `events` with these variables.
async fn ask(app: &TestApp, token: Option<&str>, variables: Value) -> Value {
    app.graphql(EVENTS, variables, token).await
}

/// The connection of a response that must have one.
fn connection(response: &Value) -> Value {
    assert!(response["errors"].is_null(), "{response}");
    let connection = response["data"]["events"].clone();
    assert!(connection["edges"].is_array(), "{response}");
    connection
}

fn edges(connection: &Value) -> Vec<Value> {
    connection["edges"].as_array().expect("edges").clone()
}

fn nodes(connection: &Value) -> Vec<Value> {
    edges(connection)
        .into_iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

/// The top-level error's code.
fn error_code(response: &Value) -> &str {
    assert!(
        response["data"].is_null() || response["data"]["events"].is_null(),
        "{response}"
    );
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {response}"))
}

/// Every event `token` reads with `filter`, page by page (`first` at a time) from the start,
/// checking each page's shape on the way; the events, and every response's text.
async fn read_all(app: &TestApp, token: &str, filter: Value, first: i64) -> (Vec<Value>, String) {
    let mut read = Vec::new();
    let mut text = String::new();
    let mut after = Value::Null;
    for _ in 0..200 {
        let response = ask(
            app,
            Some(token),
            json!({ "after": after, "first": first, "filter": filter }),
        )
        .await;
        text.push_str(&response.to_string());
        let page = connection(&response);
        let edges = edges(&page);
        assert!(edges.len() as i64 <= first, "{page}");
        for edge in &edges {
            assert_eq!(edge["cursor"], edge["node"]["cursor"], "{edge}");
        }
        if let Some(last) = edges.last() {
            assert_eq!(page["pageInfo"]["endCursor"], last["cursor"], "{page}");
        }
        read.extend(edges.iter().map(|edge| edge["node"].clone()));
        if page["pageInfo"]["hasNextPage"] == false {
            return (read, text);
        }
        assert_eq!(edges.len() as i64, first, "a page before the last is full");
        after = page["pageInfo"]["endCursor"].clone();
    }
    panic!("the feed never ends");
}

/// Every event `token` reads (pages of 100).
async fn everything(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    read_all(app, token, filter, 100).await.0
}

fn sequences(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap_or_else(|| panic!("{e}")))
        .collect()
}

fn ids(events: &[Value]) -> Vec<Value> {
    events.iter().map(|e| e["id"].clone()).collect()
}

fn assert_increasing(events: &[Value], what: &str) {
    let sequences = sequences(events);
    assert!(
        sequences.windows(2).all(|pair| pair[0] < pair[1]),
        "{what}: not in increasing sequence: {sequences:?}"
    );
}

/// The events of `all` that `keep` keeps, in their order.
fn only(all: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    all.iter().filter(|e| keep(e)).cloned().collect()
}

/// The stored, sequenced events' sequences where `condition` holds (SQL), in order.
async fn stored_sequences(app: &TestApp, condition: &str) -> Vec<i64> {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT sequence FROM event WHERE sequence IS NOT NULL AND ({condition}) \
                 ORDER BY sequence"
            ),
        ))
        .await
        .expect("the events");
    let _ = db.close().await;
    rows.iter()
        .map(|row| row.try_get::<i64>("", "sequence").expect("a sequence"))
        .collect()
}

/// What [`make_events`] made.
struct Made {
    aigerim: String,
    nurlan: String,
    /// Aigerim's application (registered), its global ID.
    aigerim_application: Value,
    /// Aigerim's appeal to the demo body (received).
    appeal: Value,
    /// Nurlan's application (awaiting Gulnar's consent).
    nurlan_application: Value,
}

/// Files, prepares and submits `iin`'s permanent application for `rka`; its global ID.
async fn apply(app: &TestApp, token: &str, iin: &str, rka: &str) -> Value {
    let filed = file_application(
        app,
        token,
        iin,
        json!({ "kind": "PERMANENT", "address": { "rka": rka }, "personalDataConsent": true }),
        "id status",
    )
    .await;
    assert!(filed["id"].is_string(), "{filed}");
    filed["id"].clone()
}

/// Aigerim's appeal to the demo body, prepared and filed with her EDS; its global ID.
async fn appeal(app: &TestApp, token: &str) -> Value {
    let prepared = app
        .graphql(
            "mutation($input: PrepareAppealSigningInput!) { prepareAppealSigning(input: $input) { appeal { id status } signingRequest { id payload } userErrors { code field } } }",
            json!({ "input": { "appeal": {
                "kind": "PERSON",
                "fullName": AIGERIM_NAME,
                "iin": AIGERIM,
                "postalAddress": "г. Астана, ул. Кенесары, 40, кв. 12",
                "bodyBin": BODY,
                "essence": "Прошу разъяснить порядок регистрации по месту жительства.",
                "date": now().date().to_string(),
            } } }),
            Some(token),
        )
        .await;
    let prepared = &prepared["data"]["prepareAppealSigning"];
    assert_eq!(codes(prepared), Vec::<String>::new(), "{prepared}");
    let request = &prepared["signingRequest"];
    let filed = app
        .graphql(
            "mutation($input: FileAppealInput!) { fileAppeal(input: $input) { appeal { id status } userErrors { code field } } }",
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": sign(&sign_certificate(AIGERIM), &payload_of(request)) } } }),
            Some(token),
        )
        .await;
    let filed = &filed["data"]["fileAppeal"];
    assert_eq!(codes(filed), Vec::<String>::new(), "{filed}");
    assert_eq!(filed["appeal"]["status"], "RECEIVED", "{filed}");
    filed["appeal"]["id"].clone()
}

/// Events of every type: Aigerim's application (registered at once: application and
/// registration events), Nurlan's (a consent asked of Gulnar) and Aigerim's appeal; sequenced.
async fn make_events(app: &TestApp) -> Made {
    let aigerim = signed_in(app, AIGERIM).await;
    let nurlan = signed_in(app, NURLAN).await;
    let aigerim_application = apply(app, &aigerim, AIGERIM, AIGERIM_FLAT).await;
    let nurlan_application = apply(app, &nurlan, NURLAN, THEIR_FLAT).await;
    let appeal = appeal(app, &aigerim).await;
    sequence_events(app).await;
    Made {
        aigerim,
        nurlan,
        aigerim_application,
        appeal,
        nurlan_application,
    }
}

fn of_type(kind: &'static str) -> impl Fn(&Value) -> bool {
    move |e| e["type"] == kind
}

/// Whether `text` names anyone: an IIN or a name of the demo data.
fn names_anyone(text: &str) -> Option<&'static str> {
    [AIGERIM, NURLAN, GULNAR, AIGERIM_NAME, "Серикова", "ОМАРОВА"]
        .into_iter()
        .find(|needle| text.contains(needle))
}

#[actix_web::test]
async fn an_integrator_reads_its_scope_and_a_person_their_own_entities_events() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, &[("BACKGROUND_TASKS", "false")]).await;
        let made = make_events(&app).await;
        let all_key = key(&app, "everything", &["*"], &["*"]).await;
        let body_key = key(&app, "the demo body's portal", &[BODY], &["*"]).await;
        let ministry_key = key(&app, "the ministry's portal", &[MINISTRY], &["*"]).await;
        let appeals_key = key(&app, "an appeals desk", &["*"], &["APPEAL"]).await;

        // Everything: every sequenced event, once, in sequence order.
        let all = everything(&app, &all_key, Value::Null).await;
        assert_eq!(
            sequences(&all),
            stored_sequences(&app, "1 = 1").await,
            "{backend:?}"
        );
        assert_increasing(&all, "everything");
        for kind in ["APPLICATION", "CONSENT", "REGISTRATION", "APPEAL"] {
            assert!(
                all.iter().any(of_type(kind)),
                "{backend:?}: no {kind} event in {all:?}"
            );
        }

        // The demo body's integrator: exactly the events the demo body handles, in order, with
        // ids and no one's IIN or name; the subject is never resolved for it.
        let (mine, text) = read_all(&app, &body_key, Value::Null, 100).await;
        assert!(!mine.is_empty(), "{backend:?}");
        assert_eq!(
            sequences(&mine),
            stored_sequences(&app, &format!("body_bin = '{BODY}'")).await,
            "{backend:?}"
        );
        assert_increasing(&mine, "the body's");
        assert!(
            mine.len() < all.len(),
            "{backend:?}: an application's draft has no body yet"
        );
        for kind in ["APPLICATION", "CONSENT", "REGISTRATION", "APPEAL"] {
            assert!(
                mine.iter().any(of_type(kind)),
                "{backend:?}: the body's feed has no {kind} event: {mine:?}"
            );
        }
        for event in &mine {
            assert!(event["subject"].is_null(), "{backend:?}: {event}");
            assert!(event["subjectId"].is_string(), "{backend:?}: {event}");
            assert!(
                event["id"].is_string() && event["to"].is_string(),
                "{event}"
            );
        }
        assert!(
            mine.iter()
                .any(|e| e["subjectId"] == made.aigerim_application && e["to"] == "SUBMITTED")
        );
        assert!(
            mine.iter()
                .any(|e| e["subjectId"] == made.appeal && e["to"] == "RECEIVED")
        );
        assert!(
            mine.iter()
                .any(|e| e["subjectId"] == made.nurlan_application)
        );
        assert_eq!(names_anyone(&text), None, "{backend:?}: {text}");
        // Every page of it reads the same.
        let (paged, text) = read_all(&app, &body_key, Value::Null, 3).await;
        assert_eq!(ids(&paged), ids(&mine), "{backend:?}");
        assert_eq!(names_anyone(&text), None, "{backend:?}: {text}");

        // Another body's integrator: none of them.
        let theirs = everything(&app, &ministry_key, Value::Null).await;
        assert_eq!(theirs, Vec::<Value>::new(), "{backend:?}");

        // An empty list is none.
        for (bodies, types) in [(&[][..], &["*"][..]), (&["*"][..], &[][..])] {
            let none = key(&app, "nothing yet", bodies, types).await;
            let read = everything(&app, &none, Value::Null).await;
            assert_eq!(
                read,
                Vec::<Value>::new(),
                "{backend:?}: {bodies:?} {types:?}"
            );
        }

        // Scoped to appeals: the appeals only, of every body.
        let appeals = everything(&app, &appeals_key, Value::Null).await;
        assert!(!appeals.is_empty(), "{backend:?}");
        assert_eq!(
            ids(&appeals),
            ids(&only(&all, of_type("APPEAL"))),
            "{backend:?}"
        );
        assert!(appeals.iter().all(|e| e["subjectId"] == made.appeal));

        // The filter narrows within the scope, and never widens it.
        let consents = everything(&app, &all_key, json!({ "types": ["CONSENT"] })).await;
        assert!(!consents.is_empty(), "{backend:?}");
        assert_eq!(ids(&consents), ids(&only(&all, of_type("CONSENT"))));
        let two = everything(
            &app,
            &body_key,
            json!({ "types": ["APPLICATION", "REGISTRATION"] }),
        )
        .await;
        assert_eq!(
            ids(&two),
            ids(&only(&mine, |e| e["type"] == "APPLICATION"
                || e["type"] == "REGISTRATION")),
            "{backend:?}"
        );
        let widened = everything(&app, &appeals_key, json!({ "types": ["APPLICATION"] })).await;
        assert_eq!(widened, Vec::<Value>::new(), "{backend:?}");
        let narrowed = everything(
            &app,
            &appeals_key,
            json!({ "types": ["APPEAL", "CONSENT"] }),
        )
        .await;
        assert_eq!(ids(&narrowed), ids(&appeals), "{backend:?}");
        let elsewhere = everything(&app, &ministry_key, json!({ "types": ["APPEAL"] })).await;
        assert_eq!(elsewhere, Vec::<Value>::new(), "{backend:?}");
        // One subject's events.
        let nurlans = everything(
            &app,
            &all_key,
            json!({ "subjectId": made.nurlan_application }),
        )
        .await;
        assert!(!nurlans.is_empty(), "{backend:?}");
        assert_eq!(
            ids(&nurlans),
            ids(&only(&all, |e| e["type"] == "APPLICATION"
                && e["subjectId"] == made.nurlan_application)),
            "{backend:?}"
        );
        let nobody = everything(&app, &all_key, json!({ "subjectId": "not-an-id" })).await;
        assert_eq!(nobody, Vec::<Value>::new(), "{backend:?}");

        // A citizen: the events of her own entities, each with its subject resolved; none of
        // another's.
        let hers = everything(&app, &made.aigerim, Value::Null).await;
        let her_subjects = [made.aigerim_application.clone(), made.appeal.clone()];
        assert_eq!(
            ids(&hers),
            ids(&only(&all, |e| her_subjects.contains(&e["subjectId"]))),
            "{backend:?}: {hers:?}"
        );
        assert_increasing(&hers, "hers");
        for kind in ["APPLICATION", "REGISTRATION", "APPEAL"] {
            assert!(hers.iter().any(of_type(kind)), "{backend:?}: no {kind}");
        }
        assert!(
            hers.iter()
                .any(|e| e["to"] == "DRAFT" && e["subjectId"] == made.aigerim_application),
            "{backend:?}: her draft's creation is hers, body or not"
        );
        for event in &hers {
            assert_eq!(
                event["subject"]["id"], event["subjectId"],
                "{backend:?}: {event}"
            );
        }
        let his = everything(&app, &made.nurlan, Value::Null).await;
        assert!(
            his.iter()
                .any(|e| e["subjectId"] == made.nurlan_application && e["to"] == "SUBMITTED"),
            "{backend:?}: {his:?}"
        );
        assert!(
            his.iter().all(|e| !her_subjects.contains(&e["subjectId"])),
            "{backend:?}: {his:?}"
        );
        assert!(
            hers.iter()
                .all(|e| e["subjectId"] != made.nurlan_application),
            "{backend:?}"
        );
        assert!(his.iter().any(of_type("CONSENT")), "{backend:?}: {his:?}");
        for event in &his {
            assert_eq!(
                event["subject"]["id"], event["subjectId"],
                "{backend:?}: {event}"
            );
        }
        // Gulnar, asked to consent, reads the consent's events and not Aigerim's.
        let gulnar = signed_in(&app, GULNAR).await;
        let asked = everything(&app, &gulnar, Value::Null).await;
        assert!(
            asked
                .iter()
                .any(|e| e["type"] == "CONSENT" && e["to"] == "PENDING"),
            "{backend:?}: {asked:?}"
        );
        for event in &asked {
            assert!(!her_subjects.contains(&event["subjectId"]), "{event}");
            assert_eq!(
                event["subject"]["id"], event["subjectId"],
                "{backend:?}: {event}"
            );
        }
        // Dana has nothing of her own.
        let dana = signed_in(&app, DANA).await;
        assert_eq!(
            everything(&app, &dana, Value::Null).await,
            Vec::<Value>::new(),
            "{backend:?}"
        );
    }
}

#[actix_web::test]
async fn pages_resume_from_each_end_cursor_and_deliver_each_event_once() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, &[("BACKGROUND_TASKS", "false")]).await;
        let aigerim = signed_in(&app, AIGERIM).await;
        apply(&app, &aigerim, AIGERIM, AIGERIM_FLAT).await;
        sequence_events(&app).await;
        let reader = key(&app, "a municipal portal", &["*"], &["*"]).await;
        let whole = everything(&app, &reader, Value::Null).await;
        // The draft, submitted, in review, approved, registered, and the registration.
        assert!(whole.len() >= 5, "{backend:?}: {whole:?}");

        // Pages of two, each resumed from the one before's endCursor.
        let mut paged = Vec::new();
        let mut after = Value::Null;
        let mut pages = 0;
        loop {
            let page =
                connection(&ask(&app, Some(&reader), json!({ "after": after, "first": 2 })).await);
            pages += 1;
            let edges = edges(&page);
            let more = whole.len() > paged.len() + edges.len();
            assert_eq!(page["pageInfo"]["hasNextPage"], more, "{backend:?}: {page}");
            assert_eq!(edges.len(), 2.min(whole.len() - paged.len()), "{page}");
            assert_eq!(
                page["pageInfo"]["endCursor"],
                edges.last().expect("an edge")["cursor"],
                "{page}"
            );
            paged.extend(nodes(&page));
            after = page["pageInfo"]["endCursor"].clone();
            if !more {
                break;
            }
        }
        assert_eq!(pages, whole.len().div_ceil(2), "{backend:?}");
        assert_eq!(ids(&paged), ids(&whole), "{backend:?}: each once, in order");
        assert_increasing(&paged, "paged");
        let unique: HashSet<String> = paged.iter().map(|e| e["id"].to_string()).collect();
        assert_eq!(unique.len(), paged.len(), "{backend:?}");
        // Resuming from any event's cursor gives exactly the ones after it.
        for (i, event) in whole.iter().enumerate() {
            let rest = connection(
                &ask(
                    &app,
                    Some(&reader),
                    json!({ "after": event["cursor"], "first": 100 }),
                )
                .await,
            );
            assert_eq!(
                ids(&nodes(&rest)),
                ids(&whole[i + 1..]),
                "{backend:?}: after {i}"
            );
        }

        // At the end: an empty page that gives the cursor back.
        let last = after.clone();
        let empty =
            connection(&ask(&app, Some(&reader), json!({ "after": last, "first": 2 })).await);
        assert_eq!(empty["edges"], json!([]), "{backend:?}");
        assert_eq!(empty["pageInfo"]["endCursor"], last, "{backend:?}");
        assert_eq!(empty["pageInfo"]["hasNextPage"], false);
        // A person's empty page too.
        let mine = everything(&app, &aigerim, Value::Null).await;
        let her_last = mine.last().expect("her events")["cursor"].clone();
        let her_empty = connection(&ask(&app, Some(&aigerim), json!({ "after": her_last })).await);
        assert_eq!(her_empty["edges"], json!([]), "{backend:?}");
        assert_eq!(her_empty["pageInfo"]["endCursor"], her_last);

        // New changes: resuming from the last cursor gives exactly them, once.
        let nurlan = signed_in(&app, NURLAN).await;
        let nurlan_application = apply(&app, &nurlan, NURLAN, THEIR_FLAT).await;
        sequence_events(&app).await;
        let now_whole = everything(&app, &reader, Value::Null).await;
        assert!(now_whole.len() > whole.len(), "{backend:?}");
        assert_eq!(ids(&now_whole[..whole.len()]), ids(&whole), "{backend:?}");
        let mut new = Vec::new();
        let mut after = last.clone();
        loop {
            let page =
                connection(&ask(&app, Some(&reader), json!({ "after": after, "first": 2 })).await);
            new.extend(nodes(&page));
            after = page["pageInfo"]["endCursor"].clone();
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
        }
        assert_eq!(ids(&new), ids(&now_whole[whole.len()..]), "{backend:?}");
        assert!(
            new.iter()
                .all(|e| e["subjectId"] == nurlan_application || e["type"] == "CONSENT"),
            "{backend:?}: only Nurlan's application's: {new:?}"
        );
        assert!(new.iter().any(of_type("CONSENT")), "{backend:?}: {new:?}");
        assert_eq!(after, now_whole.last().expect("events")["cursor"]);
        // And Aigerim, resuming from hers, has nothing new: none of it is hers.
        let hers = connection(&ask(&app, Some(&aigerim), json!({ "after": her_last })).await);
        assert_eq!(hers["edges"], json!([]), "{backend:?}");
        assert_eq!(hers["pageInfo"]["endCursor"], her_last);
    }
}

/// An event of a consent the demo body handles, for Aigerim to see.
pub(crate) fn consent_draft() -> EventDraft {
    EventDraft {
        entity: EntityKind::Consent,
        entity_id: Uuid::new_v4(),
        application_id: Some(Uuid::new_v4()),
        body: Some(BODY.to_owned()),
        from: Some("PENDING".to_owned()),
        to: "GIVEN".to_owned(),
        actor_role: ActorRole::Owner,
        actor_person: None,
        audience: vec![Audience::Iin(AIGERIM.to_owned())],
        at: now(),
    }
}

fn event_id(public_id: Uuid) -> Value {
    json!(URL_SAFE_NO_PAD.encode(format!("StatusEvent:{public_id}")))
}

fn consent_id(id: Uuid) -> Value {
    json!(URL_SAFE_NO_PAD.encode(format!("Consent:{id}")))
}

/// The event inserted first commits last, with the relay run between: the feed still gives it,
/// once, after the other, to a reader that had already passed the other.
#[actix_web::test]
async fn an_event_committed_late_is_served_after_those_committed_before_it() {
    let app = spawn_app_with(Backend::Postgres, &[("BACKGROUND_TASKS", "false")]).await;
    let reader = key(&app, "a municipal portal", &[BODY], &["CONSENT"]).await;
    // Two pools are two instances: two transactions really are open at once.
    let first_instance = database::connect(&app.database_url)
        .await
        .expect("connects");
    let second_instance = database::connect(&app.database_url)
        .await
        .expect("connects");
    let early = first_instance.begin().await.expect("a transaction");
    let inserted_first = events::record(&early, consent_draft())
        .await
        .expect("recorded");
    let late = second_instance.begin().await.expect("a transaction");
    let inserted_second = events::record(&late, consent_draft())
        .await
        .expect("recorded");
    assert!(inserted_first.id < inserted_second.id, "insert order");
    late.commit().await.expect("committed");

    let run = relay::sequence(&first_instance, now())
        .await
        .expect("the relay runs");
    assert_eq!((run.leader, run.events), (true, 1), "{run:?}");
    let before = everything(&app, &reader, Value::Null).await;
    assert_eq!(
        ids(&before),
        [event_id(inserted_second.public_id)],
        "only the committed one: {before:?}"
    );
    assert_eq!(
        before[0]["subjectId"],
        consent_id(inserted_second.entity_id)
    );
    assert_eq!(before[0]["type"], "CONSENT");
    assert_eq!(before[0]["from"], "PENDING");
    assert_eq!(before[0]["to"], "GIVEN");
    assert_eq!(before[0]["actorRole"], "OWNER");
    let cursor = before[0]["cursor"].clone();
    // Nothing after it yet.
    let nothing = connection(&ask(&app, Some(&reader), json!({ "after": cursor })).await);
    assert_eq!(nothing["edges"], json!([]));
    assert_eq!(nothing["pageInfo"]["endCursor"], cursor);

    early.commit().await.expect("committed");
    let run = relay::sequence(&second_instance, now())
        .await
        .expect("the relay runs");
    assert_eq!((run.leader, run.events), (true, 1), "{run:?}");
    // The reader goes on from its cursor and gets the late one next.
    let next = connection(&ask(&app, Some(&reader), json!({ "after": cursor })).await);
    assert_eq!(
        ids(&nodes(&next)),
        [event_id(inserted_first.public_id)],
        "{next}"
    );
    assert!(
        next["edges"][0]["node"]["sequence"].as_i64() > before[0]["sequence"].as_i64(),
        "{next}"
    );
    assert_eq!(next["pageInfo"]["hasNextPage"], false);
    // From the start: both, once each, in commit order.
    let after = everything(&app, &reader, Value::Null).await;
    assert_eq!(
        ids(&after),
        [
            event_id(inserted_second.public_id),
            event_id(inserted_first.public_id)
        ],
        "{after:?}"
    );
    assert_increasing(&after, "commit order");
    // And so for the person the events name.
    let aigerim = signed_in(&app, AIGERIM).await;
    let hers = everything(&app, &aigerim, Value::Null).await;
    assert_eq!(ids(&hers), ids(&after), "{hers:?}");
    let _ = first_instance.close().await;
    let _ = second_instance.close().await;
}

#[actix_web::test]
async fn events_older_than_the_retention_are_not_served_and_their_cursors_expire() {
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(now()));
        let app = spawn_app_with_clock(
            backend,
            &[("EVENT_RETENTION_DAYS", "2"), ("BACKGROUND_TASKS", "false")],
            clock.clone(),
        )
        .await;
        let reader = key(&app, "a municipal portal", &["*"], &["*"]).await;
        let aigerim = signed_in(&app, AIGERIM).await;
        apply(&app, &aigerim, AIGERIM, AIGERIM_FLAT).await;
        sequence_events(&app).await;
        let old = everything(&app, &reader, Value::Null).await;
        assert!(!old.is_empty(), "{backend:?}");
        let old_cursor = old.last().expect("events")["cursor"].clone();

        // A day later, Nurlan applies; a day and a half after that, the first events are past
        // the two days the feed serves, his are not.
        clock.advance(time::Duration::days(1));
        let nurlan = signed_in(&app, NURLAN).await;
        apply(&app, &nurlan, NURLAN, THEIR_FLAT).await;
        sequence_events(&app).await;
        let both = everything(&app, &reader, Value::Null).await;
        assert!(both.len() > old.len(), "{backend:?}");
        assert_eq!(ids(&both[..old.len()]), ids(&old));
        let recent = both[old.len()..].to_vec();
        // Still served: the old cursor resumes at Nurlan's events.
        let resumed = connection(
            &ask(
                &app,
                Some(&reader),
                json!({ "after": old_cursor, "first": 100 }),
            )
            .await,
        );
        assert_eq!(ids(&nodes(&resumed)), ids(&recent), "{backend:?}");

        clock.advance(time::Duration::hours(36));
        let served = everything(&app, &reader, Value::Null).await;
        assert_eq!(
            ids(&served),
            ids(&recent),
            "{backend:?}: the old ones are gone"
        );
        for event in &old {
            let expired = ask(
                &app,
                Some(&reader),
                json!({ "after": event["cursor"], "first": 10 }),
            )
            .await;
            assert_eq!(
                error_code(&expired),
                "CURSOR_EXPIRED",
                "{backend:?}: {expired}"
            );
        }
        // A person reads within the retention too.
        let his_token = signed_in(&app, NURLAN).await;
        let his = everything(&app, &his_token, Value::Null).await;
        assert!(!his.is_empty(), "{backend:?}");
        assert!(
            his.iter().all(|e| ids(&recent).contains(&e["id"])),
            "{his:?}"
        );
        let hers_token = signed_in(&app, AIGERIM).await;
        assert_eq!(
            everything(&app, &hers_token, Value::Null).await,
            Vec::<Value>::new(),
            "{backend:?}: all of hers are older than the retention"
        );
        let expired = ask(&app, Some(&hers_token), json!({ "after": old_cursor })).await;
        assert_eq!(
            error_code(&expired),
            "CURSOR_EXPIRED",
            "{backend:?}: {expired}"
        );
        // A recent cursor still works.
        let first_recent = &recent[0];
        let rest = connection(
            &ask(
                &app,
                Some(&reader),
                json!({ "after": first_recent["cursor"], "first": 100 }),
            )
            .await,
        );
        assert_eq!(ids(&nodes(&rest)), ids(&recent[1..]), "{backend:?}");

        // Cursors that are no cursor of the feed's.
        for garbage in [
            json!("garbage"),
            json!(URL_SAFE_NO_PAD.encode("event:999999")),
            json!(URL_SAFE_NO_PAD.encode("event:-1")),
            json!(URL_SAFE_NO_PAD.encode("Application:1")),
        ] {
            let refused = ask(&app, Some(&reader), json!({ "after": garbage })).await;
            assert_eq!(
                error_code(&refused),
                "BAD_USER_INPUT",
                "{backend:?}: {refused}"
            );
        }
        for first in [0, 101, -1] {
            let refused = ask(&app, Some(&reader), json!({ "first": first })).await;
            assert_eq!(
                error_code(&refused),
                "BAD_USER_INPUT",
                "{backend:?}: {refused}"
            );
        }
        // No one, or a made-up key.
        let anonymous = ask(&app, None, json!({})).await;
        assert_eq!(error_code(&anonymous), "UNAUTHENTICATED", "{anonymous}");
        let made_up = ask(&app, Some("ri_made-up"), json!({})).await;
        assert_eq!(error_code(&made_up), "UNAUTHENTICATED", "{made_up}");
    }
}

/// `subjectId` of a registration's event is its application's ID; filtering by that ID should
/// give the events whose `subjectId` it is.
#[actix_web::test]
async fn filtering_by_subject_id_gives_every_event_with_that_subject_id() {
    let app = spawn_app_with(Backend::Sqlite, &[("BACKGROUND_TASKS", "false")]).await;
    let aigerim = signed_in(&app, AIGERIM).await;
    let application = apply(&app, &aigerim, AIGERIM, AIGERIM_FLAT).await;
    sequence_events(&app).await;
    let reader = key(&app, "a municipal portal", &["*"], &["*"]).await;
    let all = everything(&app, &reader, Value::Null).await;
    let expected = only(&all, |e| e["subjectId"] == application);
    assert!(expected.iter().any(of_type("REGISTRATION")), "{all:?}");
    let filtered = everything(&app, &reader, json!({ "subjectId": application })).await;
    assert_eq!(ids(&filtered), ids(&expected), "{filtered:?}");
}

/// An appeal's draft is the applicant's alone until it is filed: the personal account tells the
/// body from `RECEIVED` on, and so should the feed.
#[actix_web::test]
async fn a_bodys_integrator_reads_no_appeal_before_it_is_filed() {
    let app = spawn_app_with(Backend::Sqlite, &[("BACKGROUND_TASKS", "false")]).await;
    let aigerim = signed_in(&app, AIGERIM).await;
    let appeal = appeal(&app, &aigerim).await;
    sequence_events(&app).await;
    let reader = key(&app, "the demo body's portal", &[BODY], &["*"]).await;
    let seen = everything(&app, &reader, Value::Null).await;
    assert!(
        seen.iter()
            .any(|e| e["subjectId"] == appeal && e["to"] == "RECEIVED"),
        "{seen:?}"
    );
    let drafts = only(&seen, |e| e["to"] == "DRAFT");
    assert_eq!(drafts, Vec::<Value>::new(), "the body reads a draft");
}
