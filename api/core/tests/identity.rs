//! The identity check through the documents port: the person to be registered is identified by
//! documents the state issued to them, confirmed by number (an adult's identity card or
//! passport; a minor's birth certificate, and from 14 her passport if she has one), and a
//! document checked at a front office must still identify its holder. A check that fails or
//! cannot run sends the application to the officers' queue, with the reason.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test stops with a message on the first broken expectation"
)]

mod common;

use async_trait::async_trait;
use entities::enums::{ApplicationStatus, CheckKind, CheckOutcome, RegistrationKind, ReviewReason};
use entities::{application, person, state_document};
use registration_core::ManualClock;
use registration_core::context::ServiceContext;
use registration_core::domain::Iin;
use registration_core::registries::{
    DocumentRegistry, LocalRegistries, RegistryError, StateDocument, StateDocumentKind,
};
use registration_core::service::review::checks::{self, Finding};
use registration_core::service::{consents, review};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use time::macros::datetime;

const AIGERIM: &str = "871008401427";
const NURLAN: &str = "760212350620";
/// Born 2012-09-14: 14 on the tests' day, a minor.
const ALIYA: &str = "120914600121";
/// Aigerim's identity cards in the demo data: valid, declared lost, expired.
const VALID_CARD: &str = "054217803";
const LOST_CARD: &str = "049372615";
const EXPIRED_CARD: &str = "031845672";

/// The documents port on the mirror, each question failing while its flag is set.
#[derive(Debug)]
struct Flaky {
    inner: LocalRegistries,
    by_number_down: AtomicBool,
    by_holder_down: AtomicBool,
}

fn answer(down: &AtomicBool) -> Result<(), RegistryError> {
    if down.load(Ordering::SeqCst) {
        return Err(RegistryError::Unavailable(
            "the document registry does not answer".into(),
        ));
    }
    Ok(())
}

#[async_trait]
impl DocumentRegistry for Flaky {
    async fn document(
        &self,
        kind: StateDocumentKind,
        number: &str,
    ) -> Result<Option<StateDocument>, RegistryError> {
        answer(&self.by_number_down)?;
        self.inner.document(kind, number).await
    }

    async fn documents_of(&self, holder: &Iin) -> Result<Vec<StateDocument>, RegistryError> {
        answer(&self.by_holder_down)?;
        self.inner.documents_of(holder).await
    }
}

async fn context() -> (ServiceContext, Arc<Flaky>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 10:00 UTC)));
    let db = common::database(true, &clock).await;
    let documents = Arc::new(Flaky {
        inner: LocalRegistries::new(db.clone()),
        by_number_down: AtomicBool::new(false),
        by_holder_down: AtomicBool::new(false),
    });
    let ctx = ServiceContext {
        state_documents: documents.clone(),
        ..common::context(&db, &clock)
    };
    (ctx, documents, clock)
}

/// Aigerim's submitted application for the flat she owns alone, with this intake document
/// recorded (as a front office would).
async fn submitted(
    ctx: &ServiceContext,
    number: &str,
    intake_document: Option<String>,
) -> application::Model {
    let aigerim = person::Entity::find()
        .filter(person::Column::Iin.eq(AIGERIM))
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
    draft.intake_document = intake_document;
    draft
        .into_active_model()
        .reset_all()
        .insert(&ctx.db)
        .await
        .unwrap()
}

/// The intake document as the front office records it (with fields the check ignores).
fn intake(kind: &str, number: &str, holder: &str) -> Option<String> {
    Some(format!(
        r#"{{"kind":"{kind}","number":"{number}","holderIin":"{holder}","checkedAt":"2026-12-01T09:55:00Z"}}"#
    ))
}

/// Routes the submitted application and gives it with its identity finding as stored.
async fn route(
    ctx: &ServiceContext,
    app: &application::Model,
) -> (application::Model, entities::check_result::Model) {
    let routed = consents::route_submitted(ctx, app.id, ctx.clock.now())
        .await
        .unwrap()
        .unwrap();
    let identity = checks::latest(&ctx.db, app.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.check == CheckKind::IdentityConfirmed)
        .expect("the identity check ran");
    (routed, identity)
}

/// The evidence never carries a full IIN or a full document number.
fn assert_masked(detail: &str) {
    for secret in [AIGERIM, NURLAN, ALIYA, VALID_CARD, LOST_CARD, EXPIRED_CARD] {
        assert!(!detail.contains(secret), "{secret} in {detail:?}");
    }
}

/// Deletes these documents from the mirror, as if the registry had never issued them.
async fn forget(ctx: &ServiceContext, numbers: &[&str]) {
    state_document::Entity::delete_many()
        .filter(state_document::Column::Number.is_in(numbers.iter().copied()))
        .exec(&ctx.db)
        .await
        .unwrap();
}

/// Queued for an officer with `reason`, neither approved nor refused.
async fn assert_queued(ctx: &ServiceContext, app: &application::Model, reason: ReviewReason) {
    assert_eq!(app.status, ApplicationStatus::InReview);
    assert_eq!(app.review_reason, Some(reason));
    assert_eq!(app.refusal_ground, None);
    assert!(review::decision_of(ctx, app.id).await.unwrap().is_none());
}

#[tokio::test]
async fn an_adult_with_a_valid_identity_card_is_registered_automatically() {
    let (ctx, _, _) = context().await;
    let app = submitted(&ctx, "26-TEST-0201", None).await;
    let (routed, identity) = route(&ctx, &app).await;
    assert_eq!(
        identity.outcome,
        CheckOutcome::Passed,
        "{}",
        identity.detail
    );
    // Her expired and lost cards beside the valid one do not matter; the valid one is named.
    assert_eq!(
        identity.detail,
        "the population registry knows 871008****27; identified by ID_CARD ******803"
    );
    assert_eq!(routed.status, ApplicationStatus::Registered);
    assert_eq!(routed.review_reason, None);
}

#[tokio::test]
async fn a_person_whose_only_identity_card_expired_goes_to_an_officer() {
    let (ctx, _, _) = context().await;
    // Only the card that expired on 2024-07-01 is left.
    forget(&ctx, &[VALID_CARD, LOST_CARD]).await;
    let app = submitted(&ctx, "26-TEST-0202", None).await;
    let (routed, identity) = route(&ctx, &app).await;
    assert_eq!(identity.outcome, CheckOutcome::Failed);
    assert_eq!(
        identity.detail,
        "no identity card or passport of the person is valid on 2026-12-01: \
         ID_CARD ******672 expired on 2024-07-01"
    );
    assert_masked(&identity.detail);
    assert_queued(&ctx, &routed, ReviewReason::CheckFailed).await;

    // Nobody in the registries at all: the check fails too.
    forget(&ctx, &[EXPIRED_CARD]).await;
    let app = submitted(&ctx, "26-TEST-0203", None).await;
    let (routed, identity) = route(&ctx, &app).await;
    assert_eq!(identity.outcome, CheckOutcome::Failed);
    assert!(identity.detail.ends_with("the registries list none"));
    assert_queued(&ctx, &routed, ReviewReason::CheckFailed).await;
}

/// The identity finding of a run of the checks on Aigerim's application, with the person to be
/// registered changed to `subject`.
async fn identity_of(ctx: &ServiceContext, subject: &str, number: &str) -> Finding {
    let mut app = submitted(ctx, number, None).await;
    app.subject_iin = Some(subject.to_owned());
    checks::run(ctx, &app)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.check == CheckKind::IdentityConfirmed)
        .expect("the identity check ran")
}

#[tokio::test]
async fn a_minor_needs_her_birth_certificate_and_her_passport() {
    // DOMAIN: documents: identity document; children from 14: birth certificate and passport
    // (if any)
    let (ctx, _, _) = context().await;
    let both = identity_of(&ctx, ALIYA, "26-TEST-0211").await;
    assert_eq!(both.outcome, CheckOutcome::Passed, "{}", both.detail);
    assert_eq!(
        both.detail,
        "the population registry knows 120914****21; identified by BIRTH_CERTIFICATE \
         ***********583 and PASSPORT ******871"
    );

    // Without her passport (not every child has one), the birth certificate is enough.
    forget(&ctx, &["N16204871"]).await;
    let alone = identity_of(&ctx, ALIYA, "26-TEST-0212").await;
    assert_eq!(alone.outcome, CheckOutcome::Passed, "{}", alone.detail);
    assert!(
        alone
            .detail
            .ends_with("identified by BIRTH_CERTIFICATE ***********583")
    );

    // Without her birth certificate, she is not identified.
    forget(&ctx, &["I-АЛ № 0412583"]).await;
    let none = identity_of(&ctx, ALIYA, "26-TEST-0213").await;
    assert_eq!(none.outcome, CheckOutcome::Failed);
    assert_eq!(
        none.detail,
        "no birth certificate of the minor is valid on 2026-12-01: the registries list none"
    );
}

#[tokio::test]
async fn a_minors_passport_declared_lost_fails_the_check() {
    let (ctx, _, _) = context().await;
    let mut passport: state_document::ActiveModel = state_document::Entity::find()
        .filter(state_document::Column::Number.eq("N16204871"))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("Aliya's passport is in the demo data")
        .into();
    passport.invalidated_on = sea_orm::Set(Some(time::macros::date!(2026 - 11 - 20)));
    passport.update(&ctx.db).await.unwrap();
    let finding = identity_of(&ctx, ALIYA, "26-TEST-0214").await;
    assert_eq!(finding.outcome, CheckOutcome::Failed);
    assert_eq!(
        finding.detail,
        "the minor's identity card or passport (from 14) is not valid on 2026-12-01: \
         PASSPORT ******871 invalidated on 2026-11-20"
    );
}

#[tokio::test]
async fn an_intake_document_must_still_identify_its_holder() {
    let (ctx, _, _) = context().await;
    // Her valid card, as the front office checked it: passes, and the evidence says so.
    let app = submitted(&ctx, "26-TEST-0221", intake("ID_CARD", VALID_CARD, AIGERIM)).await;
    let (routed_ok, identity) = route(&ctx, &app).await;
    assert_eq!(
        identity.outcome,
        CheckOutcome::Passed,
        "{}",
        identity.detail
    );
    assert!(
        identity.detail.ends_with(
            "; the document checked at the front office (ID_CARD ******803) identifies \
             871008****27"
        ),
        "{}",
        identity.detail
    );
    assert_masked(&identity.detail);
    assert_eq!(routed_ok.status, ApplicationStatus::Registered);

    // Nurlan's card recorded as hers; her card declared lost; a card the registry never
    // issued; a record that cannot be read.
    let nurlans_card = "046381927";
    let cases = [
        (
            "26-TEST-0222",
            intake("ID_CARD", nurlans_card, AIGERIM),
            "the document checked at the front office (ID_CARD ******927) does not identify \
             871008****27 on 2026-12-01: the document was issued to another person",
        ),
        (
            "26-TEST-0223",
            intake("ID_CARD", LOST_CARD, AIGERIM),
            "the document checked at the front office (ID_CARD ******615) does not identify \
             871008****27 on 2026-12-01: the document is not valid",
        ),
        (
            "26-TEST-0224",
            intake("PASSPORT", VALID_CARD, AIGERIM),
            "the document checked at the front office (PASSPORT ******803) does not identify \
             871008****27 on 2026-12-01: the state's registries have no such document",
        ),
        (
            "26-TEST-0225",
            Some(r#"{"kind":"ID_CARD"}"#.to_owned()),
            "the identity document recorded at the front office cannot be read",
        ),
    ];
    for (number, recorded, detail) in cases {
        let app = submitted(&ctx, number, recorded).await;
        let (routed, identity) = route(&ctx, &app).await;
        assert_eq!(identity.outcome, CheckOutcome::Failed, "{number}");
        assert_eq!(identity.detail, detail, "{number}");
        assert_masked(&identity.detail);
        assert_queued(&ctx, &routed, ReviewReason::CheckFailed).await;
    }
}

#[tokio::test]
async fn the_document_registry_down_leaves_the_check_undetermined() {
    let (ctx, documents, _) = context().await;
    // The holder's documents cannot be listed; the intake document cannot be looked up.
    for (number, down, recorded) in [
        ("26-TEST-0231", &documents.by_holder_down, None),
        (
            "26-TEST-0232",
            &documents.by_number_down,
            intake("ID_CARD", VALID_CARD, AIGERIM),
        ),
    ] {
        down.store(true, Ordering::SeqCst);
        let app = submitted(&ctx, number, recorded).await;
        let (routed, identity) = route(&ctx, &app).await;
        assert_eq!(identity.outcome, CheckOutcome::Undetermined, "{number}");
        assert_eq!(identity.detail, "the document registry did not answer");
        assert_queued(&ctx, &routed, ReviewReason::CheckUndetermined).await;
        // Only the identity check depended on it.
        let others = checks::latest(&ctx.db, app.id).await.unwrap();
        assert!(
            others
                .iter()
                .filter(|c| c.check != CheckKind::IdentityConfirmed)
                .all(|c| c.outcome == CheckOutcome::Passed),
            "{others:?}"
        );
        down.store(false, Ordering::SeqCst);
    }
}
