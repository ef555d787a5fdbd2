//! The event outbox and the personal account: every status change writes an event in its own
//! transaction; one relay puts committed events in order; each party reads the notifications
//! whose audience names them, in Kazakh and Russian, and marks them read.

use crate::helpers::*;
use api::core::database;
use api::core::domain::ActorRole;
use api::core::service::events::{self, Audience, EntityKind, EventDraft, relay};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

/// Aigerim: in the demo data, sole owner of the flat with this RKA.
const AIGERIM: &str = "871008401427";
const AIGERIM_FLAT: &str = "0201900148270042";
const NURLAN: &str = "760212350620";
const DANA: &str = "061211600012";

const LIST: &str = "query($first: Int, $after: String, $unreadOnly: Boolean) { myNotifications(first: $first, after: $after, unreadOnly: $unreadOnly) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id text subject applicationId applicationNumber fromStatus toStatus actorRole at read readAt } } } }";
const MARK: &str = "mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked notifications { id read readAt } userErrors { code field message } clientMutationId } }";

/// Creates, prepares and submits Aigerim's application for her own flat; its number.
async fn submit_application(app: &TestApp, token: &str) -> String {
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id number version } userErrors { code } } }",
            json!({ "input": { "kind": "PERMANENT", "address": { "rka": AIGERIM_FLAT }, "personalDataConsent": true } }),
            Some(token),
        )
        .await["data"]["createApplication"]["application"]
        .clone();
    let prepared = app
        .graphql(
            "mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload } userErrors { code } } }",
            json!({ "input": { "applicationId": created["id"], "version": created["version"] } }),
            Some(token),
        )
        .await["data"]["prepareSigning"]["signingRequest"]
        .clone();
    let bytes = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        prepared["payload"].as_str().expect("a payload"),
    )
    .expect("base64");
    let submitted = app
        .graphql(
            "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { status } userErrors { code } } }",
            json!({ "input": { "signingRequestId": prepared["id"], "signature": { "cms": sign(&sign_certificate(AIGERIM), &bytes) } } }),
            Some(token),
        )
        .await["data"]["submitApplication"]
        .clone();
    assert_eq!(codes(&submitted), Vec::<String>::new(), "{submitted}");
    created["number"].as_str().expect("a number").to_owned()
}

async fn list(app: &TestApp, token: &str, variables: Value, language: &str) -> Value {
    let answer = app
        .graphql_with(
            LIST,
            variables,
            Some(token),
            &[("Accept-Language", language)],
        )
        .await;
    assert!(answer["errors"].is_null(), "{answer}");
    answer["data"]["myNotifications"].clone()
}

async fn mark(app: &TestApp, token: &str, ids: Value, client_mutation_id: &str) -> Value {
    app.graphql(
        MARK,
        json!({ "input": { "ids": ids, "clientMutationId": client_mutation_id } }),
        Some(token),
    )
    .await["data"]["markNotificationsRead"]
        .clone()
}

fn nodes(connection: &Value) -> Vec<Value> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

#[actix_web::test]
async fn each_party_reads_its_own_notifications_in_kazakh_and_russian_and_marks_them_read() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let aigerim = signed_in(&app, AIGERIM).await;
        let number = submit_application(&app, &aigerim).await;
        sequence_events(&app).await;

        let russian = list(&app, &aigerim, json!({ "first": 20 }), "ru").await;
        let kazakh = list(&app, &aigerim, json!({ "first": 20 }), "kk").await;
        let (ru, kk) = (nodes(&russian), nodes(&kazakh));
        // The draft's creation and its submission at least (the consent issue may add the
        // moves that follow the submission).
        assert!(ru.len() >= 2, "{backend:?}: {russian}");
        assert_eq!(russian["totalCount"], json!(ru.len()), "{backend:?}");
        let submitted = ru
            .iter()
            .position(|n| n["toStatus"] == "SUBMITTED")
            .unwrap_or_else(|| panic!("{backend:?}: no submission in {russian}"));
        assert_eq!(
            ru[submitted]["text"],
            format!("Заявление № {number} подано."),
            "{backend:?}"
        );
        assert_eq!(
            kk[submitted]["text"],
            format!("№ {number} өтініші берілді."),
            "{backend:?}"
        );
        assert_eq!(ru[submitted]["fromStatus"], "DRAFT");
        assert_eq!(ru[submitted]["subject"], "APPLICATION");
        assert_eq!(ru[submitted]["actorRole"], "APPLICANT");
        assert_eq!(ru[submitted]["applicationNumber"], number.as_str());
        // Newest first: the draft's creation is the oldest.
        let oldest = ru.last().expect("one at least");
        assert_eq!(oldest["toStatus"], "DRAFT", "{backend:?}: {russian}");
        assert!(oldest["fromStatus"].is_null());
        assert_eq!(
            oldest["text"],
            format!("Заявление № {number} создано как черновик.")
        );
        assert!(
            ru.iter()
                .all(|n| n["read"] == false && n["readAt"].is_null())
        );

        // Pages of one: each notification once, in the same order, and the last page says so.
        let mut paged = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = list(&app, &aigerim, json!({ "first": 1, "after": after }), "ru").await;
            paged.extend(nodes(&page).into_iter().map(|n| n["id"].clone()));
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        let all: Vec<Value> = ru.iter().map(|n| n["id"].clone()).collect();
        assert_eq!(paged, all, "{backend:?}");

        // Marking read: once, then again without effect; the payload echoes the client's id.
        let id = ru[submitted]["id"].clone();
        let marked = mark(&app, &aigerim, json!([id]), "m-1").await;
        assert_eq!(
            codes(&marked),
            Vec::<String>::new(),
            "{backend:?}: {marked}"
        );
        assert_eq!(marked["marked"], 1);
        assert_eq!(marked["clientMutationId"], "m-1");
        assert_eq!(marked["notifications"][0]["id"], id);
        assert_eq!(marked["notifications"][0]["read"], true);
        let first_read = marked["notifications"][0]["readAt"].clone();
        assert!(first_read.is_string());
        let again = mark(&app, &aigerim, json!([id]), "m-2").await;
        assert_eq!(again["marked"], 0, "{backend:?}: {again}");
        assert_eq!(again["notifications"][0]["readAt"], first_read);
        let unread = list(&app, &aigerim, json!({ "unreadOnly": true }), "ru").await;
        assert_eq!(unread["totalCount"], json!(ru.len() - 1), "{backend:?}");
        assert!(nodes(&unread).iter().all(|n| n["id"] != id));
        let everything = list(&app, &aigerim, json!({}), "ru").await;
        assert_eq!(everything["totalCount"], json!(ru.len()));

        // Refusals: nothing marked, and the field names the place in the list.
        let garbage = mark(&app, &aigerim, json!([ru[0]["id"], "nonsense"]), "m-3").await;
        assert_eq!(codes(&garbage), ["NOT_FOUND"], "{backend:?}: {garbage}");
        assert_eq!(
            garbage["userErrors"][0]["field"],
            json!(["input", "ids", "1"])
        );
        assert_eq!(garbage["marked"], 0);
        let none = mark(&app, &aigerim, json!([]), "m-4").await;
        assert_eq!(codes(&none), ["BAD_USER_INPUT"], "{none}");
        assert_eq!(none["userErrors"][0]["field"], json!(["input", "ids"]));
        let still = list(&app, &aigerim, json!({ "unreadOnly": true }), "ru").await;
        assert_eq!(still["totalCount"], unread["totalCount"], "{backend:?}");

        // Another person sees none of them, and cannot mark them.
        let nurlan = signed_in(&app, NURLAN).await;
        let theirs = list(&app, &nurlan, json!({}), "ru").await;
        assert_eq!(theirs["totalCount"], 0, "{backend:?}: {theirs}");
        assert_eq!(theirs["edges"], json!([]));
        let foreign = mark(&app, &nurlan, json!([ru[0]["id"]]), "m-5").await;
        assert_eq!(codes(&foreign), ["NOT_FOUND"], "{backend:?}: {foreign}");

        // The person an application registers sees its events too (here Aigerim files for
        // Nurlan under a power of attorney); a third person still sees nothing. Read state is
        // each person's own.
        let for_nurlan = app
            .graphql(
                "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { number } userErrors { code } } }",
                json!({ "input": { "representation": { "kind": "POWER_OF_ATTORNEY", "subjectIin": NURLAN } } }),
                Some(&aigerim),
            )
            .await["data"]["createApplication"]
            .clone();
        assert_eq!(codes(&for_nurlan), Vec::<String>::new(), "{for_nurlan}");
        let other_number = for_nurlan["application"]["number"].as_str().unwrap();
        sequence_events(&app).await;
        let theirs = list(&app, &nurlan, json!({}), "kk").await;
        assert_eq!(theirs["totalCount"], 1, "{backend:?}: {theirs}");
        let seen = &nodes(&theirs)[0];
        assert_eq!(
            seen["text"],
            format!("№ {other_number} өтініші жоба ретінде жасалды.")
        );
        let nurlan_marks = mark(&app, &nurlan, json!([seen["id"]]), "m-6").await;
        assert_eq!(nurlan_marks["marked"], 1, "{nurlan_marks}");
        let mine = list(&app, &aigerim, json!({ "first": 1 }), "ru").await;
        assert_eq!(
            nodes(&mine)[0]["id"],
            seen["id"],
            "the newest is the same event"
        );
        assert_eq!(
            nodes(&mine)[0]["read"],
            false,
            "{backend:?}: read per person"
        );
        let dana = signed_in(&app, DANA).await;
        let hers = list(&app, &dana, json!({}), "ru").await;
        assert_eq!(hers["totalCount"], 0, "{backend:?}: {hers}");
        // Signed out: no notifications at all.
        let anonymous = app.graphql(LIST, json!({}), None).await;
        assert_eq!(
            anonymous["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
    }
}

/// A fresh, migrated database of the backend's, and its URL (removed when the guard drops).
async fn migrated(backend: Backend) -> (DatabaseConnection, RemoveDatabase, String) {
    let (settings, url) = settings(backend, &[]).await;
    let guard = RemoveDatabase(url.clone());
    let db = database::connect(settings.database_url.expose())
        .await
        .expect("connects");
    database::migrate(&db).await.expect("migrated");
    (db, guard, url)
}

fn draft(application: Uuid) -> EventDraft {
    EventDraft {
        entity: EntityKind::Consent,
        entity_id: Uuid::new_v4(),
        application_id: Some(application),
        body: None,
        from: Some("PENDING".to_owned()),
        to: "GIVEN".to_owned(),
        actor_role: ActorRole::Owner,
        actor_person: None,
        audience: vec![
            Audience::Iin(AIGERIM.to_owned()),
            Audience::Iin(AIGERIM.to_owned()),
            Audience::Bin("940140000385".to_owned()),
        ],
        at: now(),
    }
}

/// Every sequenced event, paged as a reader would (three at a time, after the last sequence).
async fn read_all(db: &DatabaseConnection) -> Vec<(i64, Uuid)> {
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = events::page_after(db, after, 3).await.expect("a page");
        let Some(last) = page.last() else {
            return seen;
        };
        after = last.sequence;
        seen.extend(page.iter().map(|e| (e.sequence.unwrap(), e.public_id)));
    }
}

/// The one that inserted first commits last: a reader that has passed the other's event still
/// finds it, once, after it, because the relay numbers events only once they are committed.
#[actix_web::test]
async fn an_event_committed_late_is_read_after_those_committed_before_it() {
    // Two PostgreSQL pools are two instances; two transactions really are open at once.
    let (first_instance, _guard, url) = migrated(Backend::Postgres).await;
    let second_instance = database::connect(&url).await.expect("connects");
    let application = Uuid::new_v4();
    let early = first_instance.begin().await.unwrap();
    let inserted_first = events::record(&early, draft(application)).await.unwrap();
    let late = second_instance.begin().await.unwrap();
    let inserted_second = events::record(&late, draft(application)).await.unwrap();
    assert!(inserted_first.id < inserted_second.id, "insert order");
    late.commit().await.unwrap();

    let run = relay::sequence(&first_instance, now()).await.unwrap();
    assert_eq!(run.events, 1, "only the committed one: {run:?}");
    let read = read_all(&first_instance).await;
    assert_eq!(read, [(1, inserted_second.public_id)]);
    let cursor = read.last().map(|(sequence, _)| *sequence);

    early.commit().await.unwrap();
    let run = relay::sequence(&second_instance, now()).await.unwrap();
    assert_eq!(run.events, 1, "{run:?}");
    // The reader goes on from its cursor and finds the late one.
    let next = events::page_after(&first_instance, cursor, 10)
        .await
        .unwrap();
    assert_eq!(
        next.iter().map(|e| e.public_id).collect::<Vec<_>>(),
        [inserted_first.public_id]
    );
    assert_eq!(next[0].sequence, Some(2));
    assert!(next[0].sequenced_at.is_some());
    // From the start: both, once each, in commit order.
    assert_eq!(
        read_all(&second_instance).await,
        [
            (1, inserted_second.public_id),
            (2, inserted_first.public_id)
        ]
    );
    // Nothing left to do.
    let idle = relay::sequence(&first_instance, now()).await.unwrap();
    assert_eq!(idle.events, 0);
    let _ = second_instance.close().await;
}

/// SQLite has one writer, so insert order is commit order there; still, an open transaction's
/// events get no sequence until it commits, and one transaction's events keep their order.
#[actix_web::test]
async fn on_sqlite_events_are_numbered_once_committed_in_their_order() {
    let (db, _guard, _) = migrated(Backend::Sqlite).await;
    let application = Uuid::new_v4();
    let txn = db.begin().await.unwrap();
    let a = events::record(&txn, draft(application)).await.unwrap();
    let b = events::record(&txn, draft(application)).await.unwrap();
    txn.commit().await.unwrap();
    let c = events::record(&db, draft(application)).await.unwrap();
    let run = relay::sequence(&db, now()).await.unwrap();
    assert_eq!((run.leader, run.events), (true, 3));
    assert_eq!(
        read_all(&db).await,
        [(1, a.public_id), (2, b.public_id), (3, c.public_id)]
    );
    let d = events::record(&db, draft(application)).await.unwrap();
    assert_eq!(relay::sequence(&db, now()).await.unwrap().events, 1);
    assert_eq!(read_all(&db).await.last(), Some(&(4, d.public_id)));
}

/// Two instances run the relay at the same moment, while events keep being committed: each
/// event gets exactly one sequence, the sequences have no gap, and every run either numbered or
/// stood aside.
#[actix_web::test]
async fn two_relays_at_once_give_each_event_one_sequence() {
    for backend in BACKENDS {
        let (first_instance, _guard, url) = migrated(backend).await;
        let second_instance = database::connect(&url).await.expect("connects");
        let application = Uuid::new_v4();
        let mut written = 0_u64;
        let mut numbered = 0_u64;
        let mut stood_aside = 0_u64;
        for round in 0..20 {
            // Each round commits a few events on alternating instances, then both relays run.
            let writer = if round % 2 == 0 {
                &first_instance
            } else {
                &second_instance
            };
            let txn = writer.begin().await.unwrap();
            for _ in 0..(1 + round % 3) {
                events::record(&txn, draft(application)).await.unwrap();
                written += 1;
            }
            txn.commit().await.unwrap();
            let (a, b) = futures_join(
                relay::sequence(&first_instance, now()),
                relay::sequence(&second_instance, now()),
            )
            .await;
            for run in [a.unwrap(), b.unwrap()] {
                numbered += run.events;
                if !run.leader {
                    stood_aside += 1;
                }
            }
        }
        // Whatever a lost race left over.
        numbered += relay::sequence(&first_instance, now())
            .await
            .unwrap()
            .events;
        assert_eq!(numbered, written, "{backend:?}: every event numbered once");
        let read = read_all(&second_instance).await;
        let sequences: Vec<i64> = read.iter().map(|(sequence, _)| *sequence).collect();
        let expected: Vec<i64> = (1..=i64::try_from(written).unwrap()).collect();
        assert_eq!(sequences, expected, "{backend:?}: no gap, no repeat");
        let mut ids: Vec<Uuid> = read.iter().map(|(_, id)| *id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len() as u64, written, "{backend:?}");
        if backend == Backend::Sqlite {
            assert_eq!(stood_aside, 0, "SQLite has no lock to stand aside for");
        }
        let _ = second_instance.close().await;
    }
}
