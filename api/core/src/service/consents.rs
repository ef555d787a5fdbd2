//! Owners' consents: after submission, the owner check against the property registry decides
//! who must consent; each consent is signed with EDS through the one signing contract (never by
//! SMS code), or declined; the last one given moves the application to review in the same
//! transaction, a declined or missing one refuses it.

use super::InternalError;
use super::applications::{self, Actor, DraftError};
use super::signing::{self, KeyRequirements, NewSigningRequest, SignError, SigningSubject};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, ApplicationStatus};
use crate::registries::{Owner, Property, PropertyKind};
use crate::service::keyset::{self, Direction};
use crate::service::property;
use crate::service::representation::{self, Authority};
use async_trait::async_trait;
use entities::enums::{
    self as stored, ConsentStatus, KeyPurpose, RefusalReason, SignaturePurpose, SigningSubjectKind,
};
use entities::{application, consent, person, signing_request};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;
use signatures::rfc3339;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The `type` of a consent's signing payload.
pub const PAYLOAD_TYPE: &str = "registration-kz/consent";

/// How long an owner has to consent, by default.
// DOMAIN: the consent deadline (5 calendar days by default)
pub const DEFAULT_CONSENT_DAYS: u32 = 5;

/// The role OIDs a hostel administration's key may hold by default: its head (…4.1.2.1), a
/// person who may sign for it (…4.1.2.2) and an employee (…4.1.2.5), since commandants usually
/// hold employee keys.
pub const DEFAULT_ADMINISTRATION_ROLES: [&str; 3] = [
    "1.2.398.3.3.4.1.2.1",
    "1.2.398.3.3.4.1.2.2",
    "1.2.398.3.3.4.1.2.5",
];

/// Where a submitted application goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Nobody else must consent: to review at once.
    Review,
    /// These parties must consent.
    Consents(Vec<Party>),
    /// The owner's right is not confirmed by the registry: refused, saying which check failed.
    OwnerNotConfirmed(String),
    /// The registry did not answer: an officer looks (`REGISTRY_UNAVAILABLE` recorded).
    RegistryUnavailable,
    /// Rental housing: the person to be registered is neither a tenant nor of a tenant's
    /// household.
    TenantsHouseholdOnly,
}

/// Who consents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    /// An owner (or a tenant of rental housing), by IIN, with those who may act for them on the
    /// day (legal representatives and attorneys), who are told too.
    Person {
        iin: String,
        representatives: Vec<String>,
    },
    /// An organisation (a hostel's administration), by BIN, with the role OIDs of which its
    /// consenting key must hold one.
    Organisation { bin: String, role_oids: Vec<String> },
}

/// Who consents, as the property registry alone decides it (before the registries are asked
/// who may act for each).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Consenter {
    Person(String),
    Organisation(String),
}

/// Decides who must consent to a submitted application, from the property registry: the
/// owner's right is confirmed by owner IIN + area or owner IIN + RKA, never by RKA alone
/// (by RKA alone, the owner IIN is the applicant's).
// DOMAIN: owner check by owner IIN + area of the real-estate object
pub async fn route(
    ctx: &ServiceContext,
    app: &application::Model,
    applicant_iin: &str,
    signed_by_otp: bool,
) -> Route {
    match route_or_unavailable(ctx, app, applicant_iin, signed_by_otp).await {
        Ok(route) => route,
        Err(error) => {
            tracing::warn!(error = %error.chain(), "a registry did not answer for the owner check");
            Route::RegistryUnavailable
        }
    }
}

async fn route_or_unavailable(
    ctx: &ServiceContext,
    app: &application::Model,
    applicant_iin: &str,
    signed_by_otp: bool,
) -> Result<Route, InternalError> {
    use crate::service::applications::draft::AddressChoice;
    let Some(address) = property::address_of(app) else {
        return Ok(Route::OwnerNotConfirmed(
            "the application names no address".to_owned(),
        ));
    };
    let owner_iin = match &address {
        AddressChoice::ByRka(_) => applicant_iin.to_owned(),
        AddressChoice::ByOwner(iin, _) | AddressChoice::ByRkaAndOwner(_, iin) => {
            iin.as_str().to_owned()
        }
    };
    let found = match &address {
        // By RKA, the object is found first and the owner checked after, to say which failed.
        AddressChoice::ByRka(rka) | AddressChoice::ByRkaAndOwner(rka, _) => {
            ctx.properties.find_by_rka(rka).await?
        }
        AddressChoice::ByOwner(..) => property::find(ctx, &address).await?,
    };
    let Some(property) = found else {
        return Ok(Route::OwnerNotConfirmed(match address {
            AddressChoice::ByRka(_) | AddressChoice::ByRkaAndOwner(..) => {
                "no object with this RKA in the property registry".to_owned()
            }
            AddressChoice::ByOwner(..) => {
                "the owner IIN and area match no object in the property registry".to_owned()
            }
        }));
    };
    let registered = app.subject_iin.as_deref().unwrap_or(applicant_iin);
    let consenters = match parties(
        &property,
        &owner_iin,
        applicant_iin,
        registered,
        signed_by_otp,
    ) {
        Ok(consenters) => consenters,
        Err(refusal) => return Ok(refusal),
    };
    if consenters.is_empty() {
        return Ok(Route::Review);
    }
    let today = ctx.clock.now().date();
    let mut resolved = Vec::with_capacity(consenters.len());
    for consenter in consenters {
        resolved.push(match consenter {
            Consenter::Person(iin) => Party::Person {
                representatives: representation::representatives(ctx, &iin, today).await?,
                iin,
            },
            Consenter::Organisation(bin) => {
                let configured = match crate::domain::Bin::parse(&bin) {
                    Ok(parsed) => ctx.properties.organisation(&parsed).await?,
                    Err(_) => None,
                };
                Party::Organisation {
                    role_oids: configured.map_or_else(
                        || {
                            DEFAULT_ADMINISTRATION_ROLES
                                .iter()
                                .map(|r| (*r).to_owned())
                                .collect()
                        },
                        |o| o.consent_role_oids,
                    ),
                    bin,
                }
            }
        });
    }
    Ok(Route::Consents(resolved))
}

/// Who must consent for this property: every owner who is not the applicant, the applicant too
/// when they signed by SMS code (a consent is by digital signature only), the tenants of rental
/// housing instead of the organisation that owns it, or the hostel's administration instead of
/// the owners. `Err`: the route is a refusal.
fn parties(
    property: &Property,
    owner_iin: &str,
    applicant_iin: &str,
    registered_iin: &str,
    signed_by_otp: bool,
) -> Result<Vec<Consenter>, Route> {
    // DOMAIN: organisation administration replaces the owner's consent
    if property.kind == PropertyKind::Hostel
        && let Some(bin) = &property.administration
    {
        return Ok(vec![Consenter::Organisation(bin.as_str().to_owned())]);
    }
    // DOMAIN: owner or tenant: in state or municipal rental housing the tenant consents
    if !property.tenants.is_empty() {
        if !property.tenants.iter().any(|t| t.iin.as_str() == owner_iin) {
            return Err(Route::OwnerNotConfirmed(
                "the IIN given is not a tenant of this rental dwelling in the property registry"
                    .to_owned(),
            ));
        }
        let household = property.tenants.iter().any(|t| {
            t.iin.as_str() == registered_iin
                || t.household.iter().any(|m| m.as_str() == registered_iin)
        });
        if !household {
            return Err(Route::TenantsHouseholdOnly);
        }
        let co_tenanted = property.tenants.len() > 1;
        return Ok(property
            .tenants
            .iter()
            .filter(|t| t.iin.as_str() != applicant_iin || (signed_by_otp && co_tenanted))
            .map(|t| Consenter::Person(t.iin.as_str().to_owned()))
            .collect());
    }
    let owns = property
        .owners
        .iter()
        .any(|o| matches!(&o.owner, Owner::Person(iin) if iin.as_str() == owner_iin));
    if !owns {
        return Err(Route::OwnerNotConfirmed(
            "the owner IIN is not an owner of the object at this RKA in the property registry"
                .to_owned(),
        ));
    }
    // DOMAIN: several owners: every co-owner's consent is required
    // A sole owner who applies needs no consent, however they signed; a co-owning applicant who
    // signed by SMS code consents with EDS like the others (a consent is by digital signature).
    let co_owned = property.owners.len() > 1;
    Ok(property
        .owners
        .iter()
        .filter_map(|o| match &o.owner {
            Owner::Person(iin) if iin.as_str() != applicant_iin || (signed_by_otp && co_owned) => {
                Some(Consenter::Person(iin.as_str().to_owned()))
            }
            Owner::Person(_) => None,
            Owner::Organisation(bin) => Some(Consenter::Organisation(bin.as_str().to_owned())),
        })
        .collect())
}

/// Moves a just-submitted application on, in the submission's transaction: to review, to
/// awaiting consents (creating them), or refused when the owner is not confirmed.
pub async fn after_submission(
    ctx: &ServiceContext,
    txn: &DatabaseTransaction,
    submitted: application::Model,
    route: Route,
    now: OffsetDateTime,
) -> Result<application::Model, DraftError> {
    let system = |reason: Option<String>| Actor {
        person: None,
        role: ActorRole::System,
        reason,
    };
    match route {
        Route::Review => {
            applications::transition(
                txn,
                &submitted,
                ApplicationStatus::InReview,
                system(Some("no other owner's consent is needed".to_owned())),
                None,
                now,
            )
            .await
        }
        Route::RegistryUnavailable => {
            // Straight to the officers' queue: no automatic decision without the owner check.
            let mut submitted = submitted;
            submitted.review_reason = Some(stored::ReviewReason::RegistryUnavailable);
            applications::transition(
                txn,
                &submitted,
                ApplicationStatus::InReview,
                system(Some(
                    "REGISTRY_UNAVAILABLE: the property registry did not answer; an officer checks the owner"
                        .to_owned(),
                )),
                None,
                now,
            )
            .await
        }
        Route::OwnerNotConfirmed(why) => {
            applications::refuse_unreliable(
                txn,
                &submitted,
                RefusalReason::OwnerNotConfirmed,
                system(Some(format!("OWNER_NOT_CONFIRMED: {why}"))),
                now,
            )
            .await
        }
        Route::TenantsHouseholdOnly => {
            applications::refuse_unreliable(
                txn,
                &submitted,
                RefusalReason::NotInTenantsHousehold,
                system(Some(
                    "NOT_IN_TENANTS_HOUSEHOLD: the person to be registered is neither a tenant of this rental dwelling nor of a tenant's household"
                        .to_owned(),
                )),
                now,
            )
            .await
        }
        Route::Consents(parties) => {
            let deadline = now + Duration::days(i64::from(ctx.settings.consent_days));
            for party in parties {
                let (iin, bin, roles, representatives) = match party {
                    Party::Person {
                        iin,
                        representatives,
                    } => (Some(iin), None, Vec::new(), representatives),
                    Party::Organisation { bin, role_oids } => {
                        (None, Some(bin), role_oids, Vec::new())
                    }
                };
                let created = consent::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    application_id: Set(submitted.id),
                    party_iin: Set(iin),
                    party_bin: Set(bin),
                    role_oids: Set(serde_json::to_string(&roles).unwrap_or_default()),
                    status: Set(ConsentStatus::Pending),
                    deadline: Set(deadline),
                    decided_at: Set(None),
                    decline_reason: Set(None),
                    signature_id: Set(None),
                    created_at: Set(now),
                    last_reminded_at: Set(None),
                    signer_iin: Set(None),
                    authority: Set(None),
                    authority_number: Set(None),
                    authority_date: Set(None),
                    in_person_document: Set(None),
                    confirmed_by_person_id: Set(None),
                }
                .insert(txn)
                .await?;
                record_event(
                    txn,
                    &created,
                    None,
                    (ActorRole::System, None),
                    &representatives,
                    now,
                )
                .await?;
            }
            applications::transition(
                txn,
                &submitted,
                ApplicationStatus::AwaitingConsents,
                system(None),
                None,
                now,
            )
            .await
        }
    }
}

/// How long a registry that does not answer is asked again before the application goes to an
/// officer with `REGISTRY_UNAVAILABLE`; meanwhile the maintenance task asks again after
/// [`registry_backoff`].
pub const REGISTRY_RETRY_WINDOW: Duration = Duration::minutes(15);

/// How long to wait before asking a registry again after it failed to answer `attempts` times:
/// 30 s, 1, 2, 4, then every 8 minutes (exponential, capped), so a registry that is down is
/// not hammered by every application waiting on it.
pub fn registry_backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 4)).unwrap_or(0);
    Duration::seconds(30 * (1_i64 << doublings))
}

/// Routes a `SUBMITTED` application (see [`route`] and [`after_submission`]): asks the
/// registry outside any transaction, then moves it in one, if it is still as it was. A registry
/// that does not answer leaves it `SUBMITTED` for [`REGISTRY_RETRY_WINDOW`] after submission.
/// `None`: no such application.
pub async fn route_submitted(
    ctx: &ServiceContext,
    application_id: Uuid,
    now: OffsetDateTime,
) -> Result<Option<application::Model>, InternalError> {
    let Some(app) = application::Entity::find_by_id(application_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    if ApplicationStatus::from(app.status) != ApplicationStatus::Submitted {
        return Ok(Some(app));
    }
    let Some(applicant) = person::Entity::find_by_id(app.applicant_person_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(Some(app));
    };
    let signed_by_otp = entities::stored_signature::Entity::find()
        .filter(entities::stored_signature::Column::Purpose.eq(SignaturePurpose::Application))
        .filter(entities::stored_signature::Column::SubjectId.eq(app.id))
        .all(&ctx.db)
        .await?
        .iter()
        .any(|s| s.method == stored::AuthMethod::Otp);
    let decided = route(ctx, &app, &applicant.iin, signed_by_otp).await;
    let submitted_at = app.submitted_at.unwrap_or(app.updated_at);
    if decided == Route::RegistryUnavailable && now - submitted_at < REGISTRY_RETRY_WINDOW {
        // Ask again later: a conditional UPDATE, so an application routed meanwhile is left
        // alone (the version is not bumped: nothing a client sees changed).
        let attempts = app.owner_check_attempts.saturating_add(1);
        application::Entity::update_many()
            .col_expr(
                application::Column::OwnerCheckAttempts,
                Expr::value(attempts),
            )
            .col_expr(
                application::Column::OwnerCheckNextAt,
                Expr::value(now + registry_backoff(attempts)),
            )
            .filter(application::Column::Id.eq(app.id))
            .filter(application::Column::Version.eq(app.version))
            .exec(&ctx.db)
            .await?;
        return Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?);
    }
    let txn = ctx.db.begin().await?;
    let Some(current) = applications::lock(&txn, app.id).await? else {
        txn.rollback().await?;
        return Ok(None);
    };
    if current.version != app.version {
        // Routed (or withdrawn) meanwhile by another request or instance.
        txn.rollback().await?;
        return Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?);
    }
    match after_submission(ctx, &txn, current, decided, now).await {
        Ok(routed) => {
            txn.commit().await?;
            if ApplicationStatus::from(routed.status) == ApplicationStatus::AwaitingConsents {
                for pending in of_application(ctx, routed.id).await? {
                    tell_owner(ctx, &pending, &routed, now).await?;
                }
            }
            Ok(Some(
                crate::service::review::after_change(ctx, &routed).await,
            ))
        }
        Err(DraftError::Internal(internal)) => Err(internal),
        Err(_) => {
            txn.rollback().await?;
            Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?)
        }
    }
}

/// How long the maintenance task leaves a step to the request that made it due (routing
/// after a submission, deciding after the last consent) before it takes the step itself.
pub const AFTER_REQUEST_GRACE: Duration = Duration::seconds(30);

/// Routes the applications left `SUBMITTED` (a registry that did not answer, or a crash after
/// the submission): the maintenance task's step. How many it moved.
pub async fn route_pending(
    ctx: &ServiceContext,
    now: OffsetDateTime,
) -> Result<u64, InternalError> {
    use sea_orm::QuerySelect;
    let pending: Vec<Uuid> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .filter(application::Column::Status.eq(stored::ApplicationStatus::Submitted))
        .filter(
            sea_orm::Condition::any()
                // Never tried: the submitting request routes it right after its commit; the
                // task takes it only once that request has had its chance (a crash), so the
                // two never race and the submitter gets the routed application back.
                .add(
                    sea_orm::Condition::all()
                        .add(application::Column::OwnerCheckNextAt.is_null())
                        .add(application::Column::SubmittedAt.lte(now - AFTER_REQUEST_GRACE)),
                )
                .add(application::Column::OwnerCheckNextAt.lte(now)),
        )
        .order_by_asc(application::Column::SubmittedAt)
        .limit(100)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let mut moved = 0;
    for id in pending {
        if let Some(app) = route_submitted(ctx, id, now).await?
            && ApplicationStatus::from(app.status) != ApplicationStatus::Submitted
        {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Why a consent operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    /// No such consent, or not one the caller may see.
    #[error("no such consent")]
    NotFound,
    /// The caller may see it but not decide it.
    #[error("the caller may not decide this consent")]
    NotAllowed,
    /// Given, declined or expired already.
    #[error("the consent was already decided")]
    AlreadyDecided,
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for ConsentError {
    fn from(error: sea_orm::DbErr) -> Self {
        ConsentError::Internal(error.into())
    }
}

/// Who decides a consent, in the history: an organisation's administration, or an owner.
fn party_role(organisation: bool) -> ActorRole {
    if organisation {
        ActorRole::Administration
    } else {
        ActorRole::Owner
    }
}

/// Under what authority the viewer may decide a consent, if any: as its owner (or tenant) or
/// someone who may act for them (a legal representative, an attorney), or, for an
/// organisation's, signed in with a key of that organisation (a legal-entity session of its
/// BIN); the signing key's BIN and role decide again when it is signed.
pub(crate) async fn acting_as(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    consent: &consent::Model,
) -> Result<Option<Authority>, InternalError> {
    match (&consent.party_iin, &consent.party_bin) {
        (Some(iin), _) => {
            representation::authority(ctx, &viewer.iin, iin, ctx.clock.now().date()).await
        }
        (None, Some(bin)) => {
            Ok((viewer.acting_for.as_deref() == Some(bin.as_str())).then_some(Authority::Party))
        }
        (None, None) => Ok(None),
    }
}

/// The consents the viewer is the party of, or may act for: as an owner, for the persons they
/// represent, and for the organisation a legal-entity session acts for.
async fn parties_filter(
    ctx: &ServiceContext,
    viewer: &SignedIn,
) -> Result<sea_orm::Condition, InternalError> {
    let mut persons = vec![viewer.iin.clone()];
    persons.extend(representation::principals(ctx, &viewer.iin, ctx.clock.now().date()).await?);
    let mut parties = sea_orm::Condition::any().add(consent::Column::PartyIin.is_in(persons));
    if let Some(bin) = &viewer.acting_for {
        parties = parties.add(consent::Column::PartyBin.eq(bin.clone()));
    }
    Ok(parties)
}

/// A consent the viewer may read: one they may decide, or one of an application the viewer
/// may read.
pub async fn find(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    id: Uuid,
) -> Result<Option<consent::Model>, InternalError> {
    let Some(found) = consent::Entity::find_by_id(id).one(&ctx.db).await? else {
        return Ok(None);
    };
    if acting_as(ctx, viewer, &found).await?.is_some() {
        return Ok(Some(found));
    }
    let visible = applications::find(ctx, viewer, found.application_id)
        .await?
        .is_some();
    Ok(visible.then_some(found))
}

/// The consents of an application, oldest first.
pub async fn of_application(
    ctx: &ServiceContext,
    application_id: Uuid,
) -> Result<Vec<consent::Model>, InternalError> {
    Ok(consent::Entity::find()
        .filter(consent::Column::ApplicationId.eq(application_id))
        .order_by_asc(consent::Column::CreatedAt)
        .order_by_asc(consent::Column::Id)
        .all(&ctx.db)
        .await?)
}

/// The signed-in person's own consents (as an owner), newest first, after the cursor
/// `(created_at, id)`, optionally of one status.
pub async fn mine(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    status: Option<ConsentStatus>,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<consent::Model>, InternalError> {
    let mut query = consent::Entity::find().filter(parties_filter(ctx, viewer).await?);
    if let Some(status) = status {
        query = query.filter(consent::Column::Status.eq(status));
    }
    Ok(keyset::page(
        query,
        (consent::Column::CreatedAt, consent::Column::Id),
        Direction::Descending,
        after,
        limit,
    )
    .all(&ctx.db)
    .await?)
}

/// The canonical content of a consent (RFC 8785 shape: compact, no floats).
pub(crate) fn payload(
    consent: &consent::Model,
    app: &application::Model,
    applicant: &person::Model,
    address: Option<String>,
    signer: &Signer,
    (issued_at, expires_at): (OffsetDateTime, OffsetDateTime),
) -> serde_json::Value {
    json!({
        "type": PAYLOAD_TYPE,
        "consentId": consent.id.to_string(),
        "applicationId": app.id.to_string(),
        "number": app.number,
        "applicant": {
            "iin": applicant.iin,
            "surname": applicant.surname,
            "givenName": applicant.given_name,
            "patronymic": applicant.patronymic,
        },
        "subjectIin": app.subject_iin,
        "kind": app.kind.map(|k| k.to_value()),
        "periodMonths": app.period_months,
        "address": { "rka": app.address_rka, "text": address },
        "party": { "iin": consent.party_iin, "bin": consent.party_bin },
        "signer": signer.to_json(),
        "consents": true,
        "issuedAt": rfc3339(issued_at),
        "expiresAt": rfc3339(expires_at),
    })
}

/// Who signs a consent and under what authority: part of what the signature covers, and what
/// the consent records when it is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signer {
    pub(crate) iin: String,
    pub(crate) authority: Authority,
}

impl Signer {
    fn to_json(&self) -> serde_json::Value {
        let power = match &self.authority {
            Authority::Attorney { number, issued_on } => json!({
                "number": number,
                "issuedOn": issued_on.to_string(),
            }),
            _ => serde_json::Value::Null,
        };
        json!({
            "iin": self.iin,
            "authority": self.authority.as_str(),
            "powerOfAttorney": power,
        })
    }

    /// The signer a signing request's payload names.
    pub(crate) fn of_request(request: &signing_request::Model) -> Option<Signer> {
        let payload: serde_json::Value = serde_json::from_slice(&request.payload).ok()?;
        let signer = payload.get("signer")?;
        let iin = signer.get("iin")?.as_str()?.to_owned();
        let authority = match signer.get("authority")?.as_str()? {
            "PARTY" => Authority::Party,
            "POWER_OF_ATTORNEY" => {
                let power = signer.get("powerOfAttorney")?;
                let issued_on = power.get("issuedOn")?.as_str()?;
                Authority::Attorney {
                    number: power.get("number")?.as_str()?.to_owned(),
                    issued_on: time::Date::parse(
                        issued_on,
                        &time::format_description::well_known::Iso8601::DATE,
                    )
                    .ok()?,
                }
            }
            basis => Authority::Legal(crate::registries::RepresentationBasis::parse(basis)?),
        };
        Some(Signer { iin, authority })
    }

    /// The consent's columns that record it.
    fn recorded(
        &self,
    ) -> (
        String,
        stored::ConsentAuthority,
        Option<String>,
        Option<time::Date>,
    ) {
        use crate::registries::RepresentationBasis as B;
        use stored::ConsentAuthority as A;
        let (authority, number, date) = match &self.authority {
            Authority::Party => (A::Party, None, None),
            Authority::Legal(B::Parent) => (A::Parent, None, None),
            Authority::Legal(B::Guardian) => (A::Guardian, None, None),
            Authority::Legal(B::Trustee) => (A::Trustee, None, None),
            Authority::Attorney { number, issued_on } => {
                (A::PowerOfAttorney, Some(number.clone()), Some(*issued_on))
            }
        };
        (self.iin.clone(), authority, number, date)
    }
}

/// The same content for a person to read, in Kazakh and Russian.
pub(crate) fn text(
    app: &application::Model,
    applicant: &person::Model,
    address: Option<&str>,
    on_behalf: Option<(&str, &Authority)>,
) -> String {
    let name = super::full_name(applicant);
    let address = address.unwrap_or("—");
    let temporary = app.kind == Some(stored::RegistrationKind::Temporary);
    let months = app.period_months.unwrap_or_default();
    let (kind_kk, kind_ru) = if temporary {
        (
            format!("уақытша, {months} ай"),
            format!("временную, на {months} мес."),
        )
    } else {
        ("тұрақты".to_owned(), "постоянную".to_owned())
    };
    let consent = format!(
        "Мен {name} (ЖСН {iin}) мына мекенжай бойынша {kind_kk} тіркелуіне келісім беремін: {address}. Өтініш № {number}.\n\
         Я даю согласие на {kind_ru} регистрацию {name} (ИИН {iin}) по адресу: {address}. Заявление № {number}.",
        iin = applicant.iin,
        number = app.number,
    );
    match on_behalf {
        None => consent,
        Some((party, authority)) => {
            let party = mask_iin(party);
            let (kk, ru) = match authority {
                Authority::Attorney { number, issued_on } => (
                    format!("{issued_on} № {number} нотариаттық сенімхат бойынша"),
                    format!("по нотариальной доверенности № {number} от {issued_on}"),
                ),
                _ => (
                    "заңды өкілі ретінде".to_owned(),
                    "как законный представитель".to_owned(),
                ),
            };
            format!(
                "Меншік иесі ЖСН {party} атынан, {kk}.\nЗа собственника ИИН {party}, {ru}.\n{consent}"
            )
        }
    }
}

/// Creates a signing request for a pending consent of the viewer's.
#[tracing::instrument(skip_all)]
pub async fn prepare(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    consent_id: Uuid,
) -> Result<signing_request::Model, ConsentError> {
    let Some(found) = find(ctx, viewer, consent_id).await? else {
        return Err(ConsentError::NotFound);
    };
    let Some(authority) = acting_as(ctx, viewer, &found).await? else {
        return Err(ConsentError::NotAllowed);
    };
    if found.status != ConsentStatus::Pending {
        return Err(ConsentError::AlreadyDecided);
    }
    let signer = Signer {
        iin: viewer.iin.clone(),
        authority,
    };
    let db = &ctx.db;
    let Some(app) = application::Entity::find_by_id(found.application_id)
        .one(db)
        .await?
    else {
        return Err(ConsentError::NotFound);
    };
    let Some(applicant) = person::Entity::find_by_id(app.applicant_person_id)
        .one(db)
        .await?
    else {
        return Err(ConsentError::NotFound);
    };
    let address = match property::address_of(&app) {
        Some(address) => property::find(ctx, &address).await?.map(|p| p.address),
        None => None,
    };
    let now = ctx.clock.now();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let expires_at = (now + signing::SIGNING_TTL).min(found.deadline);
    let bytes = serde_json::to_vec(&payload(
        &found,
        &app,
        &applicant,
        address.clone(),
        &signer,
        (now, expires_at),
    ))
    .unwrap_or_default();
    let on_behalf = found
        .party_iin
        .as_deref()
        .filter(|_| signer.authority != Authority::Party)
        .map(|party| (party, &signer.authority));
    let request = signing::create_request(
        db,
        NewSigningRequest {
            subject_kind: SigningSubjectKind::Consent,
            subject_id: found.id,
            subject_version: 1,
            payload: bytes,
            text: text(&app, &applicant, address.as_deref(), on_behalf),
            requirements: KeyRequirements {
                purpose: KeyPurpose::Sign,
                extended_key_usage_oids: vec![signing::EKU_SIGN.to_owned()],
                iin: Some(viewer.iin.clone()),
                bin: found.party_bin.clone(),
                role_oids: serde_json::from_str(&found.role_oids).unwrap_or_default(),
            },
            // DOMAIN: consents are by digital signature only; an SMS code is never a consent
            allowed_methods: vec![signing::SigningMethod::Eds],
            expires_at,
        },
        now,
    )
    .await?;
    Ok(request)
}

/// A consent as the subject of a signing request: signing gives it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsentSigning;

#[async_trait]
impl SigningSubject for ConsentSigning {
    type Completed = consent::Model;

    fn purpose(&self) -> SignaturePurpose {
        SignaturePurpose::Consent
    }

    async fn check(
        &self,
        ctx: &ServiceContext,
        viewer: &SignedIn,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        if request.subject_kind != SigningSubjectKind::Consent {
            return Err(SignError::NotFound);
        }
        let Some(found) = find(ctx, viewer, request.subject_id).await? else {
            return Err(SignError::NotFound);
        };
        // The authority the payload names must still hold: a power of attorney revoked, or a
        // child come of age, since the request was prepared ends it.
        let now_acting_as = acting_as(ctx, viewer, &found).await?;
        let signed_as = Signer::of_request(request);
        let holds = matches!((&now_acting_as, &signed_as), (Some(now), Some(signer))
            if signer.iin == viewer.iin && &signer.authority == now);
        if !holds || request.expected_iin.as_deref() != Some(&viewer.iin) {
            return Err(SignError::NotAllowed);
        }
        if found.status != ConsentStatus::Pending {
            return Err(SignError::SubjectDecided);
        }
        Ok(())
    }

    async fn lock(
        &self,
        txn: &DatabaseTransaction,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        lock_for_decision(txn, request).await
    }

    async fn complete(
        &self,
        _ctx: &ServiceContext,
        txn: &DatabaseTransaction,
        viewer: &SignedIn,
        request: &signing_request::Model,
        signature_id: Uuid,
        now: OffsetDateTime,
    ) -> Result<consent::Model, SignError> {
        let signer = Signer::of_request(request).ok_or(SignError::NotAllowed)?;
        let role = party_role(request.expected_bin.is_some());
        let given = decide(
            txn,
            request.subject_id,
            ConsentStatus::Given,
            Decision {
                signature_id: Some(signature_id),
                reason: None,
                signer: Some(&signer),
                in_person: None,
            },
            (role, Some(viewer.person_id)),
            now,
        )
        .await?
        .ok_or(SignError::SubjectDecided)?;
        complete_package(txn, given, (role, viewer.person_id), now).await
    }
}

/// After a consent was given (in the caller's transaction, the application locked): the last
/// one moves the application to review.
pub(crate) async fn complete_package(
    txn: &DatabaseTransaction,
    given: consent::Model,
    (role, person): (ActorRole, Uuid),
    now: OffsetDateTime,
) -> Result<consent::Model, SignError> {
    {
        let Some(app) = application::Entity::find_by_id(given.application_id)
            .one(txn)
            .await?
        else {
            return Err(SignError::Conflict);
        };
        let pending = consent::Entity::find()
            .filter(consent::Column::ApplicationId.eq(app.id))
            .filter(consent::Column::Status.ne(ConsentStatus::Given))
            .all(txn)
            .await?;
        // DOMAIN: several owners: every co-owner's consent is required
        if pending.is_empty() {
            applications::transition(
                txn,
                &app,
                ApplicationStatus::InReview,
                Actor {
                    person: Some(person),
                    role,
                    reason: Some("every consent was given".to_owned()),
                },
                None,
                now,
            )
            .await
            .map_err(|e| match e {
                DraftError::Internal(internal) => SignError::Internal(internal),
                _ => SignError::Conflict,
            })?;
        }
        Ok(given)
    }
}

/// Locks the application of a signing request's consent, which must still await consents.
pub(crate) async fn lock_for_decision(
    txn: &DatabaseTransaction,
    request: &signing_request::Model,
) -> Result<(), SignError> {
    let Some(found) = consent::Entity::find_by_id(request.subject_id)
        .one(txn)
        .await?
    else {
        return Err(SignError::NotFound);
    };
    let app = applications::lock(txn, found.application_id).await?;
    match app {
        Some(app) if ApplicationStatus::from(app.status) == ApplicationStatus::AwaitingConsents => {
            Ok(())
        }
        _ => Err(SignError::SubjectDecided),
    }
}

/// Decides a pending consent with one conditional UPDATE (of two racing decisions exactly one
/// changes the row); `None` when it was no longer pending.
/// (`actor`: who decided, for the event the change writes in the same transaction.)
pub(crate) async fn decide<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    to: ConsentStatus,
    decision: Decision<'_>,
    actor: (ActorRole, Option<Uuid>),
    now: OffsetDateTime,
) -> Result<Option<consent::Model>, sea_orm::DbErr> {
    let (signer_iin, authority, number, date) = match decision.signer.map(Signer::recorded) {
        Some((iin, authority, number, date)) => {
            (Some(iin), Some(authority.to_value()), number, date)
        }
        None => (None, None, None, None),
    };
    let changed = consent::Entity::update_many()
        .col_expr(consent::Column::Status, Expr::value(to.to_value()))
        .col_expr(consent::Column::DecidedAt, Expr::value(now))
        .col_expr(
            consent::Column::SignatureId,
            Expr::value(decision.signature_id),
        )
        .col_expr(consent::Column::DeclineReason, Expr::value(decision.reason))
        .col_expr(consent::Column::SignerIin, Expr::value(signer_iin))
        .col_expr(consent::Column::Authority, Expr::value(authority))
        .col_expr(consent::Column::AuthorityNumber, Expr::value(number))
        .col_expr(consent::Column::AuthorityDate, Expr::value(date))
        .col_expr(
            consent::Column::InPersonDocument,
            Expr::value(decision.in_person.as_ref().map(|(d, _)| d.clone())),
        )
        .col_expr(
            consent::Column::ConfirmedByPersonId,
            Expr::value(decision.in_person.as_ref().map(|(_, officer)| *officer)),
        )
        .filter(consent::Column::Id.eq(id))
        .filter(consent::Column::Status.eq(ConsentStatus::Pending))
        .exec(db)
        .await?;
    if changed.rows_affected != 1 {
        return Ok(None);
    }
    let Some(decided) = consent::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    record_event(
        db,
        &decided,
        Some(ConsentStatus::Pending),
        actor,
        &decided.signer_iin.iter().cloned().collect::<Vec<_>>(),
        now,
    )
    .await?;
    Ok(Some(decided))
}

/// How a consent is decided: by which signature, for what reason, by whom under what authority
/// (`None` for the deadline).
pub(crate) struct Decision<'a> {
    pub(crate) signature_id: Option<Uuid>,
    pub(crate) reason: Option<String>,
    pub(crate) signer: Option<&'a Signer>,
    /// Given in person at a front office: the owner's identity document the officer checked
    /// (JSON), and the officer who confirmed it.
    pub(crate) in_person: Option<(String, Uuid)>,
}

/// Writes the event of a consent's status change (its creation when `from` is `None`) in the
/// change's transaction: for the consent's party, those who may act for it (or did), the
/// applicant and the person registered.
async fn record_event<C: ConnectionTrait>(
    db: &C,
    consent: &consent::Model,
    from: Option<ConsentStatus>,
    (actor_role, actor_person): (ActorRole, Option<Uuid>),
    representatives: &[String],
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    use crate::service::events::{self, Audience, EntityKind, EventDraft};
    let application = application::Entity::find_by_id(consent.application_id)
        .one(db)
        .await?;
    let body = application.as_ref().and_then(|app| app.body_bin.clone());
    let mut audience = match &application {
        Some(app) => events::application_audience(app),
        None => Vec::new(),
    };
    audience.extend(consent.party_iin.clone().map(Audience::Iin));
    audience.extend(consent.party_bin.clone().map(Audience::Bin));
    audience.extend(representatives.iter().cloned().map(Audience::Iin));
    events::record(
        db,
        EventDraft {
            entity: EntityKind::Consent,
            entity_id: consent.id,
            application_id: Some(consent.application_id),
            body,
            from: from.map(|status| status.to_value()),
            to: consent.status.to_value(),
            actor_role,
            actor_person,
            audience,
            at,
        },
    )
    .await?;
    Ok(())
}

/// Signs a consent with a CMS over its signing request's payload.
pub async fn sign(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    signing_request_id: Uuid,
    cms: &str,
) -> Result<consent::Model, SignError> {
    let given =
        signing::sign_with_cms(ctx, viewer, signing_request_id, cms, &ConsentSigning).await?;
    after_given(ctx, &given).await?;
    Ok(given)
}

/// After a consent was given and committed: when it was the last, its application is in
/// review, and the service decides it if it can.
pub(crate) async fn after_given(
    ctx: &ServiceContext,
    given: &consent::Model,
) -> Result<(), InternalError> {
    if let Some(app) = application::Entity::find_by_id(given.application_id)
        .one(&ctx.db)
        .await?
    {
        crate::service::review::after_change(ctx, &app).await;
    }
    Ok(())
}

/// Declines a pending consent of the viewer's: the application is refused, naming the owner.
#[tracing::instrument(skip_all)]
pub async fn decline(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    consent_id: Uuid,
    reason: Option<String>,
) -> Result<consent::Model, ConsentError> {
    let Some(found) = find(ctx, viewer, consent_id).await? else {
        return Err(ConsentError::NotFound);
    };
    let Some(authority) = acting_as(ctx, viewer, &found).await? else {
        return Err(ConsentError::NotAllowed);
    };
    if found.status != ConsentStatus::Pending {
        return Err(ConsentError::AlreadyDecided);
    }
    let signer = Signer {
        iin: viewer.iin.clone(),
        authority,
    };
    let now = ctx.clock.now();
    let txn = ctx.db.begin().await?;
    let Some(app) = applications::lock(&txn, found.application_id).await? else {
        return Err(ConsentError::NotFound);
    };
    let role = party_role(found.party_bin.is_some());
    let Some(declined) = decide(
        &txn,
        found.id,
        ConsentStatus::Declined,
        Decision {
            signature_id: None,
            reason: reason.clone(),
            signer: Some(&signer),
            in_person: None,
        },
        (role, Some(viewer.person_id)),
        now,
    )
    .await?
    else {
        txn.rollback().await?;
        return Err(ConsentError::AlreadyDecided);
    };
    if ApplicationStatus::from(app.status) == ApplicationStatus::AwaitingConsents {
        refuse_for_consents(
            &txn,
            &app,
            RefusalReason::ConsentDeclined,
            Actor {
                person: Some(viewer.person_id),
                role,
                reason: Some(format!("CONSENT_DECLINED: {} declined", party_name(&found))),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(declined)
}

async fn refuse_for_consents(
    txn: &DatabaseTransaction,
    app: &application::Model,
    reason: RefusalReason,
    actor: Actor,
    now: OffsetDateTime,
) -> Result<(), ConsentError> {
    match applications::refuse_unreliable(txn, app, reason, actor, now).await {
        Ok(_) => Ok(()),
        Err(DraftError::Internal(internal)) => Err(ConsentError::Internal(internal)),
        Err(_) => Err(ConsentError::AlreadyDecided),
    }
}

/// A consent's party as the history names it: the owner by masked IIN, or the organisation by
/// BIN.
fn party_name(consent: &consent::Model) -> String {
    match (&consent.party_iin, &consent.party_bin) {
        (Some(iin), _) => format!("the owner {}", mask_iin(iin)),
        (None, Some(bin)) => format!("the administration of {bin}"),
        (None, None) => "the party".to_owned(),
    }
}

/// `871008401427` as `8710******27`: enough to tell co-owners apart, not the whole IIN.
pub fn mask_iin(iin: &str) -> String {
    iin.chars()
        .enumerate()
        .map(|(i, c)| if (4..10).contains(&i) { '*' } else { c })
        .collect()
}

/// Applies the consent deadline: every pending consent past it expires and its application is
/// refused (`CONSENT_MISSING`, naming the owners), exactly once however many instances run
/// this at once (the consent's conditional UPDATE and the application's version decide).
pub async fn expire_overdue(
    ctx: &ServiceContext,
    now: OffsetDateTime,
) -> Result<u64, InternalError> {
    let overdue = consent::Entity::find()
        .filter(consent::Column::Status.eq(ConsentStatus::Pending))
        .filter(consent::Column::Deadline.lte(now))
        .all(&ctx.db)
        .await?;
    let mut applications_refused = 0;
    let mut by_application: std::collections::BTreeMap<Uuid, Vec<consent::Model>> =
        std::collections::BTreeMap::new();
    for row in overdue {
        by_application
            .entry(row.application_id)
            .or_default()
            .push(row);
    }
    for (application_id, rows) in by_application {
        let txn = ctx.db.begin().await?;
        let Some(app) = applications::lock(&txn, application_id).await? else {
            txn.rollback().await?;
            continue;
        };
        let mut missing = Vec::new();
        for row in &rows {
            if decide(
                &txn,
                row.id,
                ConsentStatus::Expired,
                Decision {
                    signature_id: None,
                    reason: None,
                    signer: None,
                    in_person: None,
                },
                (ActorRole::System, None),
                now,
            )
            .await?
            .is_some()
            {
                missing.push(party_name(row));
            }
        }
        if missing.is_empty() {
            txn.rollback().await?;
            continue;
        }
        if ApplicationStatus::from(app.status) == ApplicationStatus::AwaitingConsents {
            let refused = applications::refuse_unreliable(
                &txn,
                &app,
                RefusalReason::ConsentMissing,
                Actor {
                    person: None,
                    role: ActorRole::System,
                    reason: Some(format!(
                        "CONSENT_MISSING: no consent by the deadline from {}",
                        missing.join(", ")
                    )),
                },
                now,
            )
            .await;
            match refused {
                Ok(_) => applications_refused += 1,
                Err(DraftError::Internal(internal)) => return Err(internal),
                // Another instance moved it first.
                Err(_) => {
                    txn.rollback().await?;
                    continue;
                }
            }
        }
        txn.commit().await?;
    }
    Ok(applications_refused)
}

/// Whether the viewer may decide this consent: its owner, someone who acts for them, or its
/// organisation's administration.
pub async fn may_decide(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    consent: &consent::Model,
) -> Result<bool, InternalError> {
    Ok(acting_as(ctx, viewer, consent).await?.is_some())
}

/// An organisation's consent's party as people read it: its name (when the registry has it)
/// and BIN.
pub async fn organisation_name(
    ctx: &ServiceContext,
    consent: &consent::Model,
) -> Result<String, InternalError> {
    let Some(bin) = &consent.party_bin else {
        return Ok(String::new());
    };
    let organisation = match crate::domain::Bin::parse(bin) {
        Ok(parsed) => ctx.properties.organisation(&parsed).await?,
        Err(_) => None,
    };
    Ok(match organisation {
        Some(o) => format!("{} (BIN {bin})", o.name),
        None => format!("BIN {bin}"),
    })
}

/// How many consents the signed-in person has as an owner (of one status, if given).
pub async fn count_mine(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    status: Option<ConsentStatus>,
) -> Result<u64, InternalError> {
    use sea_orm::PaginatorTrait;
    let mut query = consent::Entity::find().filter(parties_filter(ctx, viewer).await?);
    if let Some(status) = status {
        query = query.filter(consent::Column::Status.eq(status));
    }
    Ok(query.count(&ctx.db).await?)
}

/// The person with this IIN as the registry mirror (or an earlier sign-in) knows them.
pub async fn person_by_iin(
    ctx: &ServiceContext,
    iin: &str,
) -> Result<Option<person::Model>, InternalError> {
    Ok(person::Entity::find()
        .filter(person::Column::Iin.eq(iin.to_owned()))
        .one(&ctx.db)
        .await?)
}

/// How often an applicant may have an owner reminded of one consent.
// DOMAIN: remindConsent at most once a day per consent
pub const REMINDER_INTERVAL: Duration = Duration::days(1);

/// Tells a consent's owner (and those who may act for them) by SMS that it waits, if they have
/// a phone in the registry mirror and was not told in the last [`REMINDER_INTERVAL`] (one conditional UPDATE decides,
/// so two instances never both send). Whether a message went out; it leaves from a task of
/// its own, after the answer.
async fn tell_owner(
    ctx: &ServiceContext,
    pending: &consent::Model,
    app: &application::Model,
    now: OffsetDateTime,
) -> Result<Told, InternalError> {
    let Some(iin) = &pending.party_iin else {
        return Ok(Told::NoPhone);
    };
    // The owner, and those who may act for them (a minor owner's parents, an attorney).
    let mut told = vec![iin.clone()];
    told.extend(representation::representatives(ctx, iin, now.date()).await?);
    let mut phones = Vec::new();
    for iin in &told {
        if let Some(phone) = person_by_iin(ctx, iin).await?.and_then(|p| p.phone) {
            phones.push(phone);
        }
    }
    if phones.is_empty() {
        return Ok(Told::NoPhone);
    }
    let claimed = consent::Entity::update_many()
        .col_expr(consent::Column::LastRemindedAt, Expr::value(now))
        .filter(consent::Column::Id.eq(pending.id))
        .filter(consent::Column::Status.eq(ConsentStatus::Pending))
        .filter(
            sea_orm::Condition::any()
                .add(consent::Column::LastRemindedAt.is_null())
                .add(consent::Column::LastRemindedAt.lte(now - REMINDER_INTERVAL)),
        )
        .exec(&ctx.db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(Told::NotDue);
    }
    for phone in phones {
        let message = crate::sms::SmsMessage {
            phone,
            text: crate::sms::consent_text(&app.number),
            code: None,
            expires_at: pending.deadline,
        };
        let sms = std::sync::Arc::clone(&ctx.sms);
        tokio::spawn(async move {
            if let Err(error) = sms.send(&message).await {
                tracing::warn!(phone = %crate::sms::mask_phone(&message.phone), %error, "consent SMS not sent");
            }
        });
    }
    Ok(Told::Sent)
}

/// What [`tell_owner`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Told {
    /// An SMS is on its way.
    Sent,
    /// The owner has no phone in the registry mirror (or is an organisation).
    NoPhone,
    /// The owner was told less than [`REMINDER_INTERVAL`] ago, or it is no longer pending.
    NotDue,
}

/// Why a reminder was not sent.
#[derive(Debug, thiserror::Error)]
pub enum RemindError {
    #[error(transparent)]
    Consent(#[from] ConsentError),
    /// The owner was told less than a day ago.
    #[error("reminded less than a day ago")]
    TooSoon { retry_after_seconds: u32 },
    /// The owner has no phone in the registry mirror.
    #[error("the owner has no phone")]
    NoPhone,
}

impl From<InternalError> for RemindError {
    fn from(error: InternalError) -> Self {
        RemindError::Consent(ConsentError::Internal(error))
    }
}

/// Reminds the owner of a pending consent by SMS, for the application's applicant, at most once
/// a day per consent.
pub async fn remind(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    consent_id: Uuid,
) -> Result<consent::Model, RemindError> {
    let Some(found) = find(ctx, viewer, consent_id).await? else {
        return Err(ConsentError::NotFound.into());
    };
    let Some(app) = application::Entity::find_by_id(found.application_id)
        .one(&ctx.db)
        .await
        .map_err(InternalError::from)?
    else {
        return Err(ConsentError::NotFound.into());
    };
    // The consent is visible to its owner, who may not remind themself: only the applicant.
    if !crate::policy::may_change(viewer, &app) {
        return Err(ConsentError::NotAllowed.into());
    }
    if found.status != ConsentStatus::Pending {
        return Err(ConsentError::AlreadyDecided.into());
    }
    let now = ctx.clock.now();
    match tell_owner(ctx, &found, &app, now).await? {
        Told::Sent => {}
        Told::NoPhone => return Err(RemindError::NoPhone),
        Told::NotDue => {
            let next = found.last_reminded_at.unwrap_or(now) + REMINDER_INTERVAL;
            let seconds = (next - now).whole_seconds().max(1);
            return Err(RemindError::TooSoon {
                retry_after_seconds: u32::try_from(seconds).unwrap_or(u32::MAX),
            });
        }
    }
    Ok(consent::Entity::find_by_id(found.id)
        .one(&ctx.db)
        .await
        .map_err(InternalError::from)?
        .unwrap_or(found))
}
