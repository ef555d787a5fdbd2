//! The clean-up task, driven by a moved clock: expired challenges, long-ended sessions and
//! development-outbox SMS whose code expired go, live ones stay.

mod common;

use registration_core::service::{maintenance, sign_in};
use registration_core::{Clock, ManualClock};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use std::sync::Arc;
use time::Duration;
use time::macros::datetime;

#[tokio::test]
async fn expired_challenges_and_ended_sessions_are_deleted_by_the_clock() {
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 10:00 UTC)));
    let db = common::database(false, &clock).await;
    let ctx = common::context(&db, &clock);
    sign_in::create_challenge(&ctx, "")
        .await
        .expect("a challenge");
    clock.advance(Duration::minutes(4));
    sign_in::create_challenge(&ctx, "").await.expect("another");
    let person = uuid::Uuid::new_v4();
    db.execute_unprepared(&format!(
        "INSERT INTO person (id, iin, created_at) VALUES ('{person}', '871008401427', '2026-12-01T10:00:00Z')"
    ))
    .await
    .expect("a person");
    for (id, expires) in [
        (uuid::Uuid::new_v4(), "2026-11-29T10:00:00Z"),
        (uuid::Uuid::new_v4(), "2026-12-02T10:00:00Z"),
    ] {
        db.execute_unprepared(&format!(
            "INSERT INTO session (id, token_hash, person_id, created_at, expires_at) VALUES ('{id}', X'{}', '{person}', '2026-11-28T10:00:00Z', '{expires}')",
            id.simple()
        ))
        .await
        .expect("a session");
    }
    let outbox = registration_core::sms::DevOutbox::new(db.clone(), clock.clone());
    for (code, expires) in [
        ("111111", datetime!(2026-12-01 10:03 UTC)),
        ("222222", datetime!(2026-12-01 10:09 UTC)),
    ] {
        registration_core::sms::SmsGateway::send(
            &outbox,
            &registration_core::sms::SmsMessage {
                phone: "+77011234567".to_owned(),
                text: format!("{code} test"),
                code: Some(code.to_owned()),
                expires_at: expires,
            },
        )
        .await
        .expect("kept");
    }
    // 10:04: nothing of the challenges has expired yet; the session that ended on the 29th goes.
    let first = maintenance::run_once(&ctx, clock.now())
        .await
        .expect("runs");
    assert_eq!((first.challenges, first.sessions), (0, 1));
    // The SMS whose code expired at 10:03 is gone: the only plain copy of that code.
    assert_eq!(first.outbox, 1);
    let kept = outbox.list(None).await.expect("listed");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].code.as_deref(), Some("222222"));
    // 10:06: the first challenge (until 10:05) is gone, the second (until 10:09) stays.
    clock.advance(Duration::minutes(2));
    let second = maintenance::run_once(&ctx, clock.now())
        .await
        .expect("runs");
    assert_eq!(second.challenges, 1);
    let left = entities::auth_challenge::Entity::find()
        .count(&db)
        .await
        .expect("count");
    assert_eq!(left, 1);
    assert_eq!(
        entities::session::Entity::find()
            .count(&db)
            .await
            .expect("count"),
        1
    );
}
