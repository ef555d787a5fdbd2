//! The owner check when the property registry does not answer: never a refusal; the
//! application stays submitted while the maintenance task asks again, then goes to an officer
//! with `REGISTRY_UNAVAILABLE` recorded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test stops with a message on the first broken expectation"
)]

mod common;

use async_trait::async_trait;
use entities::enums::{ApplicationStatus, RegistrationKind};
use entities::{application, application_status_change, person};
use registration_core::context::ServiceContext;
use registration_core::domain::{Area, Bin, Iin, Rka};
use registration_core::registries::{
    LocalRegistries, Organisation, Property, PropertyRegistry, RegistryError,
};
use registration_core::service::consents::{self, REGISTRY_RETRY_WINDOW};
use registration_core::{Clock, ManualClock};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use time::macros::datetime;

/// The registry mirror, or a registry that does not answer while `down` is set.
#[derive(Debug)]
struct Flaky {
    inner: LocalRegistries,
    down: AtomicBool,
    /// How many questions it was asked.
    asked: AtomicUsize,
}

impl Flaky {
    fn check(&self) -> Result<(), RegistryError> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Err(RegistryError::Unavailable(
                "the registry does not answer".into(),
            ));
        }
        Ok(())
    }
}

#[async_trait]
impl PropertyRegistry for Flaky {
    async fn find_by_rka(&self, rka: &Rka) -> Result<Option<Property>, RegistryError> {
        self.check()?;
        self.inner.find_by_rka(rka).await
    }
    async fn find_by_owner_and_area(
        &self,
        owner: &Iin,
        area: &Area,
    ) -> Result<Vec<Property>, RegistryError> {
        self.check()?;
        self.inner.find_by_owner_and_area(owner, area).await
    }
    async fn known_rkas(&self, rkas: &[Rka]) -> Result<HashSet<Rka>, RegistryError> {
        self.check()?;
        self.inner.known_rkas(rkas).await
    }
    async fn known_owner_areas(
        &self,
        pairs: &[(Iin, Area)],
    ) -> Result<HashSet<(Iin, Area)>, RegistryError> {
        self.check()?;
        self.inner.known_owner_areas(pairs).await
    }
    async fn organisation(&self, bin: &Bin) -> Result<Option<Organisation>, RegistryError> {
        self.check()?;
        self.inner.organisation(bin).await
    }
}

/// Nurlan's submitted application for the flat he owns with Gulnar.
async fn submitted(ctx: &ServiceContext, number: &str) -> application::Model {
    let nurlan = person::Entity::find()
        .filter(person::Column::Iin.eq("760212350620"))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("Nurlan is in the demo data");
    let now = ctx.clock.now();
    let mut draft = registration_core::service::applications::draft::blank(
        number.to_owned(),
        nurlan.id,
        &nurlan.iin,
        now,
    );
    draft.kind = Some(RegistrationKind::Permanent);
    draft.address_rka = Some("0101200057310097".to_owned());
    draft.personal_data_consent = Some(true);
    draft.status = ApplicationStatus::Submitted;
    draft.submitted_at = Some(now);
    draft
        .into_active_model()
        .reset_all()
        .insert(&ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_registry_that_does_not_answer_never_refuses_and_hands_over_to_an_officer() {
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 10:00 UTC)));
    let db = common::database(true, &clock).await;
    let registry = Arc::new(Flaky {
        inner: LocalRegistries::new(db.clone()),
        down: AtomicBool::new(true),
        asked: AtomicUsize::new(0),
    });
    let ctx = ServiceContext {
        properties: registry.clone(),
        ..common::context(&db, &clock)
    };
    let status = |app: &application::Model| app.status;

    // Down: still submitted, asked again by the maintenance task.
    let app = submitted(&ctx, "26-TEST-0001").await;
    let routed = consents::route_submitted(&ctx, app.id, clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status(&routed), ApplicationStatus::Submitted);
    assert_eq!(routed.owner_check_attempts, 1);
    assert_eq!(
        routed.owner_check_next_at,
        Some(clock.now() + consents::registry_backoff(1))
    );
    // The maintenance task runs every 10 seconds for 5 minutes, but the registry is asked
    // again only after each backoff (30 s, 1, 2 min …): at 30 s, 1 min 30 s and 3 min 30 s.
    let asked_before = registry.asked.load(Ordering::SeqCst);
    for _ in 0..30 {
        clock.advance(time::Duration::seconds(10));
        assert_eq!(consents::route_pending(&ctx, clock.now()).await.unwrap(), 0);
    }
    assert_eq!(registry.asked.load(Ordering::SeqCst) - asked_before, 3);
    let waiting = application::Entity::find_by_id(app.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(waiting.owner_check_attempts, 4);

    // Back within the window: at the next attempt the owner check runs, and Gulnar must
    // consent.
    registry.down.store(false, Ordering::SeqCst);
    let next = waiting.owner_check_next_at.expect("asked again later");
    assert!(next > clock.now(), "not yet due");
    assert_eq!(consents::route_pending(&ctx, clock.now()).await.unwrap(), 0);
    clock.advance(next - clock.now());
    assert_eq!(consents::route_pending(&ctx, clock.now()).await.unwrap(), 1);
    let routed = application::Entity::find_by_id(app.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status(&routed), ApplicationStatus::AwaitingConsents);

    // Down for longer than the window: to an officer, with the reason recorded, not refused.
    registry.down.store(true, Ordering::SeqCst);
    let other = submitted(&ctx, "26-TEST-0002").await;
    clock.advance(REGISTRY_RETRY_WINDOW + time::Duration::seconds(1));
    assert_eq!(consents::route_pending(&ctx, clock.now()).await.unwrap(), 1);
    let handed = application::Entity::find_by_id(other.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status(&handed), ApplicationStatus::InReview);
    assert_eq!(handed.refusal_ground, None);
    let reasons: Vec<Option<String>> = application_status_change::Entity::find()
        .filter(application_status_change::Column::ApplicationId.eq(other.id))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|change| change.reason)
        .collect();
    assert!(
        reasons
            .iter()
            .flatten()
            .any(|reason| reason.starts_with("REGISTRY_UNAVAILABLE")),
        "{reasons:?}"
    );

    // Answering again, the registry no longer confirms an owner named by IIN and area (the
    // object changed hands after the draft was checked): refused, saying which check failed.
    registry.down.store(false, Ordering::SeqCst);
    let mut sold = submitted(&ctx, "26-TEST-0003").await;
    sold.address_rka = None;
    sold.address_owner_iin = Some("061211600012".to_owned());
    sold.address_area_hundredths = Some(5430);
    let sold = sold
        .into_active_model()
        .reset_all()
        .update(&db)
        .await
        .unwrap();
    let refused = consents::route_submitted(&ctx, sold.id, clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status(&refused), ApplicationStatus::Refused);
    assert_eq!(
        refused.refusal_reason,
        Some(entities::enums::RefusalReason::OwnerNotConfirmed)
    );
    let why = application_status_change::Entity::find()
        .filter(application_status_change::Column::ApplicationId.eq(sold.id))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|change| change.reason)
        .collect::<Vec<_>>();
    assert!(
        why.iter()
            .any(|r| r.contains("owner IIN and area match no object")),
        "{why:?}"
    );
}
