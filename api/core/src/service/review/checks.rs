//! The checks that decide an application, run the same way for an automatic decision and for
//! an officer's: each asks a registry port or the service's own records, and each result is
//! stored (the `check_result` table) as evidence of what the decision rested on.

use super::identity;
use crate::context::ServiceContext;
use crate::domain::Iin;
use crate::service::InternalError;
use crate::service::applications::draft::{self, Representation};
use crate::service::consents::{self, Route};
use crate::service::{documents, property, representation};
use entities::enums::{CheckKind, CheckOutcome, ConsentStatus, RegistrationKind};
use entities::{application, check_result, consent, registration};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;
use uuid::Uuid;

/// Every check, in the order they run and are shown.
pub const ALL: [CheckKind; 6] = [
    CheckKind::OwnerConfirmed,
    CheckKind::ConsentsGiven,
    CheckKind::RequirementsMet,
    CheckKind::IdentityConfirmed,
    CheckKind::DocumentsConfirmed,
    CheckKind::NoConflictingRegistration,
];

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: CheckKind,
    pub outcome: CheckOutcome,
    /// What was found, in words (masked IINs only).
    pub detail: String,
}

impl Finding {
    fn passed(check: CheckKind, detail: impl Into<String>) -> Self {
        Finding {
            check,
            outcome: CheckOutcome::Passed,
            detail: detail.into(),
        }
    }

    fn failed(check: CheckKind, detail: impl Into<String>) -> Self {
        Finding {
            check,
            outcome: CheckOutcome::Failed,
            detail: detail.into(),
        }
    }

    fn undetermined(check: CheckKind, detail: impl Into<String>) -> Self {
        Finding {
            check,
            outcome: CheckOutcome::Undetermined,
            detail: detail.into(),
        }
    }
}

/// Runs every check on an application as it is now. A port that fails makes its check
/// `UNDETERMINED` (never `FAILED`): a registry that does not answer never refuses anyone.
pub async fn run(
    ctx: &ServiceContext,
    app: &application::Model,
) -> Result<Vec<Finding>, InternalError> {
    let mut findings = Vec::with_capacity(ALL.len());
    findings.push(owner_confirmed(ctx, app).await?);
    findings.push(consents_given(ctx, app).await?);
    findings.push(requirements_met(ctx, app).await?);
    findings.push(identity_confirmed(ctx, app).await);
    findings.push(documents_confirmed(ctx, app).await?);
    findings.push(no_conflicting_registration(ctx, app).await?);
    Ok(findings)
}

/// Stores one run's findings; its id.
pub async fn store<C: ConnectionTrait>(
    db: &C,
    application_id: Uuid,
    findings: &[Finding],
    now: OffsetDateTime,
) -> Result<Uuid, sea_orm::DbErr> {
    let run_id = Uuid::new_v4();
    for finding in findings {
        check_result::ActiveModel {
            id: Set(Uuid::new_v4()),
            application_id: Set(application_id),
            run_id: Set(run_id),
            check: Set(finding.check),
            outcome: Set(finding.outcome),
            detail: Set(finding.detail.clone()),
            checked_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(run_id)
}

/// The latest run's results for each of these applications, in check order (two statements
/// for a page: the newest run of each, then their rows); an application never checked is
/// absent.
pub async fn latest_of<C: ConnectionTrait>(
    db: &C,
    application_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<check_result::Model>>, sea_orm::DbErr> {
    use sea_orm::QuerySelect;
    // The newest run of each: runs are stored at once, so the newest row names it.
    let stamps: Vec<(Uuid, Uuid, time::OffsetDateTime)> = check_result::Entity::find()
        .select_only()
        .column(check_result::Column::ApplicationId)
        .column(check_result::Column::RunId)
        .column(check_result::Column::CheckedAt)
        .filter(check_result::Column::ApplicationId.is_in(application_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut newest: std::collections::HashMap<Uuid, (Uuid, time::OffsetDateTime)> =
        std::collections::HashMap::new();
    for (application, run, at) in stamps {
        let entry = newest.entry(application).or_insert((run, at));
        if at > entry.1 {
            *entry = (run, at);
        }
    }
    let runs: Vec<Uuid> = newest.values().map(|(run, _)| *run).collect();
    let mut by_application: std::collections::HashMap<Uuid, Vec<check_result::Model>> =
        std::collections::HashMap::new();
    if runs.is_empty() {
        return Ok(by_application);
    }
    for row in check_result::Entity::find()
        .filter(check_result::Column::RunId.is_in(runs))
        .all(db)
        .await?
    {
        by_application
            .entry(row.application_id)
            .or_default()
            .push(row);
    }
    for run in by_application.values_mut() {
        run.sort_by_key(|r| ALL.iter().position(|c| *c == r.check));
    }
    Ok(by_application)
}

/// The latest run's results for an application, in check order (none before the first run).
pub async fn latest<C: ConnectionTrait>(
    db: &C,
    application_id: Uuid,
) -> Result<Vec<check_result::Model>, sea_orm::DbErr> {
    Ok(latest_of(db, &[application_id])
        .await?
        .remove(&application_id)
        .unwrap_or_default())
}

/// The same owner check as at submission ([`consents::route`]): the owner (or tenant, or the
/// hostel) confirmed by the property registry as the address names it, and the person to be
/// registered of a rental dwelling's household.
// DOMAIN: owner check by owner IIN + area of the real-estate object
async fn owner_confirmed(
    ctx: &ServiceContext,
    app: &application::Model,
) -> Result<Finding, InternalError> {
    let check = CheckKind::OwnerConfirmed;
    let Some(applicant) = entities::person::Entity::find_by_id(app.applicant_person_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(Finding::failed(check, "the applicant is unknown"));
    };
    // Who signs how decides only who must consent, not whether the owner is confirmed.
    Ok(
        match consents::route(ctx, app, &applicant.iin, false).await {
            Route::Review | Route::Consents(_) => Finding::passed(
                check,
                "the property registry confirms the owner's (or tenant's) right",
            ),
            Route::OwnerNotConfirmed(why) => Finding::failed(check, why),
            Route::TenantsHouseholdOnly => Finding::failed(
                check,
                "the person to be registered is not of the rental dwelling's household",
            ),
            Route::RegistryUnavailable => {
                Finding::undetermined(check, "the property registry did not answer")
            }
        },
    )
}

/// The applicant's IIN as the application names it for itself (the subject registers
/// themself when they apply alone).
fn applicant_iin(app: &application::Model) -> String {
    app.subject_iin.clone().unwrap_or_default()
}

// DOMAIN: several owners: every co-owner's consent is required
async fn consents_given(
    ctx: &ServiceContext,
    app: &application::Model,
) -> Result<Finding, InternalError> {
    let check = CheckKind::ConsentsGiven;
    let all = consent::Entity::find()
        .filter(consent::Column::ApplicationId.eq(app.id))
        .all(&ctx.db)
        .await?;
    let waiting = all
        .iter()
        .filter(|c| c.status != ConsentStatus::Given)
        .count();
    Ok(match (all.len(), waiting) {
        (0, _) => Finding::passed(check, "no other owner's consent is needed"),
        (n, 0) => Finding::passed(check, format!("all {n} consents were given, with EDS")),
        (n, w) => Finding::failed(check, format!("{w} of {n} consents were not given")),
    })
}

async fn requirements_met(
    ctx: &ServiceContext,
    app: &application::Model,
) -> Result<Finding, InternalError> {
    let check = CheckKind::RequirementsMet;
    let today = ctx.clock.now().date();
    // The address was found (or not) by the owner check; here it counts as given.
    let mut missing = draft::missing_requirements(
        app,
        property::address_of(app).map(|_| true),
        (today.year(), u8::from(today.month()), today.day()),
    );
    missing.extend(documents::missing(&ctx.db, app).await?);
    Ok(if missing.is_empty() {
        Finding::passed(check, "nothing the application needs is missing")
    } else {
        let codes: Vec<String> = missing.iter().map(|m| format!("{:?}", m.code)).collect();
        Finding::failed(check, format!("missing: {}", codes.join(", ")))
    })
}

/// The person to be registered is known to the population registry and identified by the
/// documents the state issued to them (and by the one checked at the front office, if any),
/// confirmed by number: see [`identity`].
// DOMAIN: documents: identity document; children from 14: birth certificate and passport (if any)
async fn identity_confirmed(ctx: &ServiceContext, app: &application::Model) -> Finding {
    let check = CheckKind::IdentityConfirmed;
    let Ok(iin) = Iin::parse(&applicant_iin(app)) else {
        return Finding::failed(check, "the person to be registered has no valid IIN");
    };
    let today = ctx.clock.now().date();
    match identity::confirm(ctx, app, &iin, today).await {
        identity::Outcome::Confirmed(evidence) => Finding::passed(check, evidence),
        identity::Outcome::NotConfirmed(why) => Finding::failed(check, why),
        identity::Outcome::Unanswered(registry) => {
            Finding::undetermined(check, format!("{registry} did not answer"))
        }
    }
}

/// The documents the state holds are confirmed through its registries by number: a
/// representative's authority (the civil registry's legal representatives, the notaries'
/// powers of attorney). Uploaded documents (foreign ones) are the state's to look at, not to
/// confirm: an officer does.
async fn documents_confirmed(
    ctx: &ServiceContext,
    app: &application::Model,
) -> Result<Finding, InternalError> {
    let check = CheckKind::DocumentsConfirmed;
    let uploaded = documents::of_application(&ctx.db, app.id).await?;
    if !uploaded.is_empty() {
        return Ok(Finding::undetermined(
            check,
            format!(
                "{} uploaded document(s) the state does not hold: an officer checks them",
                uploaded.len()
            ),
        ));
    }
    let representation = Representation::from(app.representation);
    if representation == Representation::SelfApplicant {
        return Ok(Finding::passed(check, "the applicant registers themself"));
    }
    let Some(applicant) = entities::person::Entity::find_by_id(app.applicant_person_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(Finding::failed(check, "the applicant is unknown"));
    };
    let subject = applicant_iin(app);
    let today = ctx.clock.now().date();
    let authority = match representation::authority(ctx, &applicant.iin, &subject, today).await {
        Ok(authority) => authority,
        Err(error) => {
            tracing::warn!(error = %error.chain(), "representation registries unavailable for a check");
            return Ok(Finding::undetermined(
                check,
                "the civil or notaries' registry did not answer",
            ));
        }
    };
    use crate::registries::RepresentationBasis as B;
    use representation::Authority as A;
    let confirmed = match (representation, &authority) {
        (Representation::PowerOfAttorney, Some(A::Attorney { number, .. })) => {
            let named = app
                .representation_document
                .as_deref()
                .and_then(|d| serde_json::from_str::<draft::RepresentationDocument>(d).ok())
                .map(|d| d.number);
            named.as_deref() == Some(number.as_str())
        }
        (Representation::LegalRepresentativeOfChild, Some(A::Legal(B::Parent | B::Guardian)))
        | (Representation::GuardianOfIncapacitated, Some(A::Legal(B::Guardian | B::Trustee))) => {
            true
        }
        _ => false,
    };
    Ok(if confirmed {
        Finding::passed(
            check,
            format!(
                "the registries confirm the applicant's authority ({})",
                authority.map_or("none", |a| a.as_str())
            ),
        )
    } else {
        Finding::failed(
            check,
            "the registries do not confirm the applicant's authority to represent the person",
        )
    })
}

/// The person is not already registered at this address in the same way (an active
/// registration of the same kind there).
async fn no_conflicting_registration(
    ctx: &ServiceContext,
    app: &application::Model,
) -> Result<Finding, InternalError> {
    let check = CheckKind::NoConflictingRegistration;
    let rka = match property::address_of(app) {
        Some(draft::AddressChoice::ByRka(rka) | draft::AddressChoice::ByRkaAndOwner(rka, _)) => {
            Some(rka.as_str().to_owned())
        }
        Some(address) => match property::find(ctx, &address).await {
            Ok(found) => found.map(|p| p.rka.as_str().to_owned()),
            Err(_) => {
                return Ok(Finding::undetermined(
                    check,
                    "the property registry did not answer",
                ));
            }
        },
        None => None,
    };
    let Some(rka) = rka else {
        return Ok(Finding::failed(check, "the application names no address"));
    };
    let kind = app.kind.unwrap_or(RegistrationKind::Permanent);
    let today = ctx.clock.now().date();
    let active = registration::Entity::find()
        .filter(registration::Column::Iin.eq(applicant_iin(app)))
        .filter(registration::Column::AddressRka.eq(rka))
        .filter(registration::Column::Kind.eq(kind))
        .filter(registration::Column::EndedOn.is_null())
        .all(&ctx.db)
        .await?
        .into_iter()
        .any(|r| r.ends_on.is_none_or(|end| end >= today));
    Ok(if active {
        Finding::failed(
            check,
            "the person is already registered at this address in the same way",
        )
    } else {
        Finding::passed(check, "no registration of the person conflicts")
    })
}
