//! The batched liveness check of long-lived connections' credentials (`viewer::still_live`):
//! a session is live until it expires or is logged out, an API key until it is revoked, and
//! more credentials than one query takes are checked in several.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test stops with a message on the first broken expectation"
)]

use entities::enums::AuthMethod;
use entities::{person, session};
use registration_core::auth::tokens;
use registration_core::auth::viewer::{self, Credential, IntegratorScope};
use registration_core::database;
use registration_core::service::admin;
use sea_orm::{ActiveModelTrait, Set};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const NOW: OffsetDateTime = datetime!(2026-12-02 09:00 UTC);

async fn session_token(
    db: &sea_orm::DatabaseConnection,
    person: Uuid,
    expires_at: OffsetDateTime,
    revoked: bool,
) -> String {
    let token = tokens::new_token(tokens::SESSION_PREFIX).expect("random");
    session::ActiveModel {
        id: Set(Uuid::new_v4()),
        token_hash: Set(tokens::hash(&token)),
        person_id: Set(person),
        acting_bin: Set(None),
        created_at: Set(NOW - Duration::hours(1)),
        expires_at: Set(expires_at),
        revoked_at: Set(revoked.then_some(NOW - Duration::minutes(1))),
        auth_method: Set(AuthMethod::Eds),
    }
    .insert(db)
    .await
    .expect("a session");
    token
}

fn credential(token: &str) -> Credential {
    Credential::of(&format!("Bearer {token}")).expect("one of ours")
}

#[tokio::test]
async fn only_live_sessions_and_unrevoked_keys_pass_however_many_are_checked() {
    let db = database::connect("sqlite::memory:").await.expect("SQLite");
    database::migrate(&db).await.expect("migrated");
    let person = Uuid::new_v4();
    person::ActiveModel {
        id: Set(person),
        iin: Set("871008401427".to_owned()),
        surname: Set(None),
        given_name: Set(None),
        patronymic: Set(None),
        phone: Set(None),
        created_at: Set(NOW),
    }
    .insert(&db)
    .await
    .expect("a person");

    // More live sessions than one query checks.
    let mut live = Vec::new();
    for _ in 0..1_100 {
        live.push(credential(
            &session_token(&db, person, NOW + Duration::hours(1), false).await,
        ));
    }
    let expired = credential(&session_token(&db, person, NOW, false).await);
    let logged_out = credential(&session_token(&db, person, NOW + Duration::hours(1), true).await);
    let key = admin::add_integrator(&db, "a portal", &IntegratorScope::everything(), NOW)
        .await
        .expect("a key");
    let revoked_key =
        admin::add_integrator(&db, "an old portal", &IntegratorScope::everything(), NOW)
            .await
            .expect("a key");
    let revoked_id = admin::list_integrators(&db)
        .await
        .expect("listed")
        .into_iter()
        .find(|i| i.name == "an old portal")
        .expect("the old portal")
        .id;
    assert_eq!(
        admin::revoke_integrator(&db, revoked_id, NOW - Duration::minutes(1)).await,
        Ok(admin::Revoked::Now)
    );
    let unknown = credential(&format!("{}unknown", tokens::SESSION_PREFIX));

    let mut asked = live.clone();
    asked.extend([
        expired.clone(),
        logged_out.clone(),
        credential(&key),
        credential(&revoked_key),
        unknown.clone(),
    ]);
    let found = viewer::still_live(&db, &asked, NOW).await.expect("checked");
    assert_eq!(
        found.len(),
        live.len() + 1,
        "every live session and the key"
    );
    assert!(live.iter().all(|c| found.contains(c)));
    assert!(found.contains(&credential(&key)));
    for ended in [expired, logged_out, credential(&revoked_key), unknown] {
        assert!(!found.contains(&ended), "{ended:?}");
    }
    assert!(matches!(credential(&key), Credential::ApiKey(_)));
    assert_eq!(Credential::of("Bearer something-else"), None);
    assert_eq!(Credential::of("Basic abc"), None);
}
