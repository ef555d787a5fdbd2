//! The outbox on its own: an event's audience is written once per party, and the relay numbers
//! committed events in their order, at most a batch per run, each once.

use registration_core::database;
use registration_core::domain::ActorRole;
use registration_core::service::events::{self, Audience, EntityKind, EventDraft, relay};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, TransactionTrait};
use time::macros::datetime;
use uuid::Uuid;

fn draft(application: Uuid, audience: Vec<Audience>) -> EventDraft {
    EventDraft {
        entity: EntityKind::Application,
        entity_id: application,
        application_id: Some(application),
        body: None,
        from: Some("DRAFT".to_owned()),
        to: "SUBMITTED".to_owned(),
        actor_role: ActorRole::Applicant,
        actor_person: None,
        audience,
        at: datetime!(2026-12-01 10:00 UTC),
    }
}

#[tokio::test]
async fn the_relay_numbers_a_backlog_a_batch_at_a_time_in_insert_order() {
    let db = database::connect("sqlite::memory:").await.expect("SQLite");
    database::migrate(&db).await.expect("migrated");
    let person = Uuid::new_v4();
    let application = Uuid::new_v4();
    let first = events::record(
        &db,
        draft(
            application,
            vec![
                Audience::Person(person),
                Audience::Iin("871008401427".to_owned()),
                Audience::Person(person),
            ],
        ),
    )
    .await
    .expect("recorded");
    assert_eq!(first.sequence, None, "no sequence before the relay");
    let parties = entities::event_audience::Entity::find()
        .count(&db)
        .await
        .expect("counted");
    assert_eq!(parties, 2, "each party once");

    // A backlog longer than a batch, written in one transaction.
    let txn = db.begin().await.expect("a transaction");
    let backlog = usize::try_from(relay::BATCH).expect("small");
    for _ in 0..backlog {
        events::record(&txn, draft(application, Vec::new()))
            .await
            .expect("recorded");
    }
    txn.commit().await.expect("committed");

    let now = datetime!(2026-12-01 10:00:01 UTC);
    let run = relay::sequence(&db, now).await.expect("runs");
    assert_eq!((run.leader, run.events), (true, relay::BATCH));
    let run = relay::sequence(&db, now).await.expect("runs");
    assert_eq!(run.events, 1, "the rest on the next run");
    assert_eq!(relay::sequence(&db, now).await.expect("runs").events, 0);

    let all = events::page_after(&db, None, 2000).await.expect("read");
    assert_eq!(all.len(), backlog + 1);
    assert_eq!(all.first().map(|e| e.id), Some(first.id), "insert order");
    for (position, event) in all.iter().enumerate() {
        assert_eq!(event.sequence, Some(i64::try_from(position).unwrap() + 1));
        assert_eq!(event.sequenced_at, Some(now));
    }
    assert!(all.windows(2).all(|pair| pair[0].id < pair[1].id));
    let after = events::page_after(&db, Some(999), 10).await.expect("read");
    assert_eq!(
        after.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        [Some(1000), Some(1001)]
    );
    // Nothing is ever numbered twice: the sequence is unique.
    let clash = db
        .execute_unprepared("UPDATE event SET sequence = 1 WHERE sequence = 2")
        .await;
    assert!(clash.is_err(), "two events may not share a sequence");
}
