//! The outbox on its own: an event's audience is written once per party, and the relay numbers
//! committed events in their order, at most a batch per run, each once.

mod common;

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

/// The feed's rules exist twice: in SQL for `events` and the replay, in memory for the live
/// events a subscription filters. For every reader and filter here, the two agree.
#[tokio::test]
async fn the_feed_reads_in_sql_what_its_in_memory_rules_let_through() {
    use entities::event_audience;
    use registration_core::auth::viewer::{IntegratorScope, SignedIn};
    use registration_core::service::feed::{self, Filter, Reader};
    use sea_orm::{ColumnTrait, QueryFilter};

    let db = database::connect("sqlite::memory:").await.expect("SQLite");
    database::migrate(&db).await.expect("migrated");
    let person = Uuid::new_v4();
    let application = Uuid::new_v4();
    let bodies = ["940140000385", "940140000048"];
    let kinds = [
        EntityKind::Application,
        EntityKind::Consent,
        EntityKind::Registration,
        EntityKind::Appeal,
    ];
    for (n, kind) in kinds.iter().cycle().take(16).enumerate() {
        let audience = match n % 4 {
            0 => vec![Audience::Person(person)],
            1 => vec![Audience::Iin("871008401427".to_owned())],
            2 => vec![Audience::Bin("940140000048".to_owned())],
            _ => vec![Audience::Iin("760212350620".to_owned())],
        };
        let subject = if n % 3 == 0 {
            application
        } else {
            Uuid::new_v4()
        };
        events::record(
            &db,
            EventDraft {
                entity: *kind,
                entity_id: if *kind == EntityKind::Registration {
                    Uuid::new_v4()
                } else {
                    subject
                },
                application_id: Some(subject),
                body: (n % 5 != 4).then(|| bodies[(n / 4) % 2].to_owned()),
                ..draft(application, audience)
            },
        )
        .await
        .expect("an event");
    }
    relay::sequence(&db, datetime!(2026-12-01 10:00:01 UTC))
        .await
        .expect("runs");
    let all = events::page_after(&db, None, 100).await.expect("read");
    assert_eq!(all.len(), 16);

    let clock = std::sync::Arc::new(registration_core::ManualClock::new(datetime!(
        2026-12-01 10:00:02 UTC
    )));
    let ctx = common::context(&db, &clock);
    let narrow = IntegratorScope {
        bodies: vec!["940140000385".to_owned()],
        types: vec!["CONSENT".to_owned(), "APPLICATION".to_owned()],
    };
    let everything = IntegratorScope::everything();
    let officer_like = SignedIn {
        session_id: Uuid::new_v4(),
        person_id: person,
        iin: "871008401427".to_owned(),
        officer_of: None,
        acting_for: Some("940140000048".to_owned()),
        auth_method: entities::enums::AuthMethod::Eds,
    };
    let readers = [
        Reader::Integrator(&narrow),
        Reader::Integrator(&everything),
        Reader::Person(&officer_like),
    ];
    let filters = [
        Filter::default(),
        Filter {
            types: vec![EntityKind::Consent, EntityKind::Registration],
            subject: None,
        },
        Filter {
            types: Vec::new(),
            subject: Some(application),
        },
    ];
    for reader in readers {
        for filter in &filters {
            let in_sql: Vec<i64> = feed::page(&ctx, reader, None, filter, 100)
                .await
                .expect("a page")
                .iter()
                .map(|e| e.id)
                .collect();
            let mut in_memory = Vec::new();
            for event in &all {
                let audience: Vec<_> = event_audience::Entity::find()
                    .filter(event_audience::Column::EventId.eq(event.id))
                    .all(&db)
                    .await
                    .expect("the audience")
                    .into_iter()
                    .map(|row| (row.kind, row.value))
                    .collect();
                if reader.may_read(event, &audience) && filter.matches(event) {
                    in_memory.push(event.id);
                }
            }
            assert_eq!(in_sql, in_memory, "{reader:?} {filter:?}");
            assert!(
                !in_sql.is_empty() || filter.subject.is_some(),
                "{reader:?} {filter:?}"
            );
        }
    }
}
