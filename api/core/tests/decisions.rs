//! Deciding when a port does not answer: a check that cannot run sends the application to the
//! officers' queue (never to approval or refusal by itself), and an approval the population
//! registry has not confirmed stays `APPROVED` until the maintenance task enters it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test stops with a message on the first broken expectation"
)]

mod common;

use async_trait::async_trait;
use entities::enums::{ApplicationStatus, CheckKind, CheckOutcome, RegistrationKind, ReviewReason};
use entities::{application, person};
use registration_core::context::ServiceContext;
use registration_core::domain::Iin;
use registration_core::registries::{
    LocalRegistries, PopulationEntry, PopulationRegistry, RegisteredPerson, RegistryError,
};
use registration_core::service::{consents, review};
use registration_core::{Clock, ManualClock};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use time::macros::datetime;

/// The population registry mirror, with each question failing while its flag is set.
#[derive(Debug)]
struct Flaky {
    inner: LocalRegistries,
    find_down: AtomicBool,
    register_down: AtomicBool,
    registered: AtomicUsize,
}

fn unavailable() -> RegistryError {
    RegistryError::Unavailable("the population registry does not answer".into())
}

#[async_trait]
impl PopulationRegistry for Flaky {
    async fn find_person(&self, iin: &Iin) -> Result<Option<RegisteredPerson>, RegistryError> {
        if self.find_down.load(Ordering::SeqCst) {
            return Err(unavailable());
        }
        self.inner.find_person(iin).await
    }

    async fn register(&self, entry: &PopulationEntry) -> Result<String, RegistryError> {
        if self.register_down.load(Ordering::SeqCst) {
            return Err(unavailable());
        }
        self.registered.fetch_add(1, Ordering::SeqCst);
        self.inner.register(entry).await
    }
}

async fn context() -> (ServiceContext, Arc<Flaky>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 10:00 UTC)));
    let db = common::database(true, &clock).await;
    let population = Arc::new(Flaky {
        inner: LocalRegistries::new(db.clone()),
        find_down: AtomicBool::new(false),
        register_down: AtomicBool::new(false),
        registered: AtomicUsize::new(0),
    });
    let ctx = ServiceContext {
        population: population.clone(),
        ..common::context(&db, &clock)
    };
    (ctx, population, clock)
}

/// Aigerim's submitted application for the flat she owns alone.
async fn submitted(ctx: &ServiceContext, number: &str) -> application::Model {
    let aigerim = person::Entity::find()
        .filter(person::Column::Iin.eq("871008401427"))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("Aigerim is in the demo data");
    let now = ctx.clock.now();
    let mut draft = registration_core::service::applications::draft::blank(
        number.to_owned(),
        aigerim.id,
        &aigerim.iin,
        now,
    );
    draft.kind = Some(RegistrationKind::Permanent);
    draft.address_rka = Some("0201900148270042".to_owned());
    draft.personal_data_consent = Some(true);
    draft.status = ApplicationStatus::Submitted;
    draft.submitted_at = Some(now);
    draft.body_bin = Some("940140000385".to_owned());
    draft
        .into_active_model()
        .reset_all()
        .insert(&ctx.db)
        .await
        .unwrap()
}

async fn reload(ctx: &ServiceContext, id: uuid::Uuid) -> application::Model {
    application::Entity::find_by_id(id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_check_that_cannot_run_sends_the_application_to_an_officer() {
    let (ctx, population, clock) = context().await;
    population.find_down.store(true, Ordering::SeqCst);
    let app = submitted(&ctx, "26-TEST-0101").await;
    let routed = consents::route_submitted(&ctx, app.id, clock.now())
        .await
        .unwrap()
        .unwrap();
    // In review, queued for an officer with the reason; neither approved nor refused.
    assert_eq!(routed.status, ApplicationStatus::InReview);
    assert_eq!(routed.review_reason, Some(ReviewReason::CheckUndetermined));
    assert_eq!(routed.refusal_ground, None);
    assert!(review::decision_of(&ctx, app.id).await.unwrap().is_none());
    let checks = review::checks::latest(&ctx.db, app.id).await.unwrap();
    let identity = checks
        .iter()
        .find(|c| c.check == CheckKind::IdentityConfirmed)
        .expect("the identity check ran");
    assert_eq!(identity.outcome, CheckOutcome::Undetermined);
    assert!(
        checks
            .iter()
            .filter(|c| c.check != CheckKind::IdentityConfirmed)
            .all(|c| c.outcome == CheckOutcome::Passed),
        "{checks:?}"
    );
    // The maintenance task leaves a queued application to its officer, registry back or not.
    population.find_down.store(false, Ordering::SeqCst);
    clock.advance(time::Duration::minutes(1));
    let progress = review::run_pending(&ctx, clock.now()).await.unwrap();
    assert_eq!(progress.reviewed, 0);
    assert_eq!(
        reload(&ctx, app.id).await.status,
        ApplicationStatus::InReview
    );
}

#[tokio::test]
async fn an_approval_waits_for_the_population_registry_and_is_entered_once() {
    let (ctx, population, clock) = context().await;
    population.register_down.store(true, Ordering::SeqCst);
    let app = submitted(&ctx, "26-TEST-0102").await;
    let routed = consents::route_submitted(&ctx, app.id, clock.now())
        .await
        .unwrap()
        .unwrap();
    // Approved (every check passed), not registered: the registry did not confirm.
    assert_eq!(routed.status, ApplicationStatus::Approved);
    assert!(
        review::registrations::of_application(&ctx, app.id)
            .await
            .unwrap()
            .is_none()
    );
    // Still down: the maintenance task asks and leaves it approved.
    clock.advance(time::Duration::minutes(1));
    let progress = review::run_pending(&ctx, clock.now()).await.unwrap();
    assert_eq!(progress.registered, 0);
    assert_eq!(
        reload(&ctx, app.id).await.status,
        ApplicationStatus::Approved
    );
    // Back: entered, once, however many times it is asked.
    population.register_down.store(false, Ordering::SeqCst);
    clock.advance(time::Duration::minutes(1));
    let progress = review::run_pending(&ctx, clock.now()).await.unwrap();
    assert_eq!(progress.registered, 1);
    let registered = reload(&ctx, app.id).await;
    assert_eq!(registered.status, ApplicationStatus::Registered);
    // The service time counts to the decision (the approval), which came at once.
    assert_eq!(review::deadline_met(&registered, clock.now()), Some(true));
    let progress = review::run_pending(&ctx, clock.now()).await.unwrap();
    assert_eq!(progress.registered, 0);
    assert_eq!(population.registered.load(Ordering::SeqCst), 1);
    // The registry's reference, asked again for the same application, is the same: the port
    // is idempotent by application.
    let entry = PopulationEntry {
        application_id: app.id,
        iin: Iin::parse("871008401427").unwrap(),
        temporary: false,
        rka: registration_core::domain::Rka::parse("0201900148270042").unwrap(),
        at: clock.now(),
    };
    let recorded = review::registrations::of_application(&ctx, app.id)
        .await
        .unwrap()
        .expect("the registration");
    assert_eq!(
        population.inner.register(&entry).await.unwrap(),
        recorded.registry_reference
    );
}

#[tokio::test]
async fn a_decision_past_the_service_time_counts_as_a_breach() {
    let (ctx, population, clock) = context().await;
    population.find_down.store(true, Ordering::SeqCst);
    let app = submitted(&ctx, "26-TEST-0103").await;
    let routed = consents::route_submitted(&ctx, app.id, clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(review::deadline_met(&routed, clock.now()), None);
    clock.advance(review::PORTAL_SERVICE_TIME + time::Duration::seconds(1));
    // Undecided past its deadline: not met, and overdue in the body's statistics.
    assert_eq!(review::deadline_met(&routed, clock.now()), Some(false));
    let officer = registration_core::auth::viewer::SignedIn {
        session_id: uuid::Uuid::new_v4(),
        person_id: uuid::Uuid::new_v4(),
        iin: "850315300019".to_owned(),
        officer_of: Some("940140000385".to_owned()),
        acting_for: Some("940140000385".to_owned()),
        auth_method: entities::enums::AuthMethod::Eds,
    };
    let since = clock.now() - time::Duration::days(1);
    let counted = review::statistics(&ctx, &officer, since).await.unwrap();
    assert_eq!(
        (counted.decided, counted.breached, counted.overdue),
        (0, 0, 1)
    );
    let queued = review::queue(
        &ctx,
        &officer,
        review::QueueFilter {
            overdue: Some(true),
            ..Default::default()
        },
        None,
        10,
    )
    .await
    .unwrap();
    assert_eq!(queued.len(), 1);
}
