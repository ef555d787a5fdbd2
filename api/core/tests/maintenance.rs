//! The clean-up task, driven by a moved clock: expired challenges, long-ended sessions and
//! development-outbox SMS whose code expired go, live ones stay.

use registration_core::context::{ServiceContext, ServiceSettings, VerificationSlots};
use registration_core::registries::LocalRegistries;
use registration_core::service::{maintenance, sign_in};
use registration_core::trust::{TrustConfig, TrustStore};
use registration_core::{Clock, ManualClock, database};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use std::sync::Arc;
use time::Duration;
use time::macros::datetime;

#[tokio::test]
async fn expired_challenges_and_ended_sessions_are_deleted_by_the_clock() {
    let db = database::connect("sqlite::memory:").await.expect("SQLite");
    database::migrate(&db).await.expect("migrated");
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 10:00 UTC)));
    let ctx = ServiceContext {
        sms: Arc::new(registration_core::sms::DevOutbox::new(
            db.clone(),
            clock.clone(),
        )),
        properties: Arc::new(LocalRegistries::new(db.clone())),
        representation: Arc::new(LocalRegistries::new(db.clone())),
        population: Arc::new(LocalRegistries::new(db.clone())),
        db: db.clone(),
        clock: clock.clone(),
        trust: Arc::new(TrustStore::load(&TrustConfig::default(), clock.now()).expect("demo PKI")),
        verification: VerificationSlots::new(1, std::time::Duration::from_secs(1)),
        settings: Arc::new(ServiceSettings {
            service_name: "test".to_owned(),
            challenge_ttl_seconds: 300,
            session_ttl_seconds: 3600,
            property_lookups_per_hour: 10,
            consent_days: 5,
            service_body_bin: "940140000385".to_owned(),
            manual_review_bodies: Vec::new(),
            claim_minutes: 30,
        }),
    };
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
