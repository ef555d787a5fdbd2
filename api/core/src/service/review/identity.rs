//! The identity check's rules: the person to be registered is known to the population registry
//! and identified by documents the state issued to them, which the service confirms by number
//! through the documents port rather than asking for copies; and the identity document an
//! officer checked at a front office still identifies its holder when the application is
//! decided.

use serde::Deserialize;
use time::Date;

use crate::context::ServiceContext;
use crate::domain::Iin;
use crate::registries::{StateDocument, StateDocumentKind, mask_document_number};
use entities::application;

/// The age from which a person is an adult, identified by an identity document alone.
use crate::service::representation::MAJORITY;
/// The age from which a child's passport (or identity card), if the state issued one, is
/// needed beside the birth certificate.
const CHILD_IDENTITY_DOCUMENT_AGE: u32 = 14;

/// What the identity check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Identified: the evidence, in words (kinds and masked numbers only).
    Confirmed(String),
    /// Not identified: why, in words.
    NotConfirmed(String),
    /// This registry did not answer.
    Unanswered(&'static str),
}

/// Why the documents the state issued to a person do not identify them on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gap {
    /// An adult without a valid identity card or passport.
    NoIdentityDocument,
    /// A minor without a valid birth certificate.
    NoBirthCertificate,
    /// A minor from 14 to whom the state issued an identity card or passport, none of them
    /// valid.
    IdentityDocumentNotValid,
}

impl Gap {
    fn describe(self) -> &'static str {
        match self {
            Gap::NoIdentityDocument => "no identity card or passport of the person is valid",
            Gap::NoBirthCertificate => "no birth certificate of the minor is valid",
            Gap::IdentityDocumentNotValid => {
                "the minor's identity card or passport (from 14) is not valid"
            }
        }
    }

    /// Whether documents of this kind bear on the gap (and are worth listing to the officer).
    fn concerns(self, kind: StateDocumentKind) -> bool {
        match self {
            Gap::NoBirthCertificate => kind == StateDocumentKind::BirthCertificate,
            Gap::NoIdentityDocument | Gap::IdentityDocumentNotValid => kind.is_identity_document(),
        }
    }
}

/// The documents that identify `person` on `day`, out of those the state issued (any order;
/// documents of other holders, and those issued after `day`, are not theirs to rely on yet):
/// an adult by a valid identity card or passport; a minor by a valid birth certificate, and
/// from 14 also by a valid identity card or passport if one was issued. The newest valid
/// document of each kind needed, birth certificate first.
// DOMAIN: documents: identity document; children from 14: birth certificate and passport (if any)
pub(super) fn identify<'a>(
    person: &Iin,
    documents: &'a [StateDocument],
    day: Date,
) -> Result<Vec<&'a StateDocument>, Gap> {
    let issued = || {
        documents
            .iter()
            .filter(|d| &d.holder == person && d.issued_on <= day)
    };
    let newest_valid = |wanted: fn(StateDocumentKind) -> bool| {
        issued()
            .filter(|d| wanted(d.kind) && d.valid_on(day))
            .max_by_key(|d| d.issued_on)
    };
    let identity_document = newest_valid(StateDocumentKind::is_identity_document);
    let age = person.age_on(day.year(), u8::from(day.month()), day.day());
    if age >= MAJORITY {
        return identity_document
            .map(|d| vec![d])
            .ok_or(Gap::NoIdentityDocument);
    }
    let certificate = newest_valid(|kind| kind == StateDocumentKind::BirthCertificate)
        .ok_or(Gap::NoBirthCertificate)?;
    let issued_identity_document = issued().any(|d| d.kind.is_identity_document());
    match identity_document {
        // A valid one counts at any age; under 14 it is not asked for.
        Some(document) => Ok(vec![certificate, document]),
        None if age >= CHILD_IDENTITY_DOCUMENT_AGE && issued_identity_document => {
            Err(Gap::IdentityDocumentNotValid)
        }
        None => Ok(vec![certificate]),
    }
}

/// A document for the evidence: its kind and masked number.
fn named(document: &StateDocument) -> String {
    format!("{} {}", document.kind.as_str(), document.masked_number())
}

/// Why a document is not valid on `day`, for the officer reading the evidence.
fn invalidity(document: &StateDocument, day: Date) -> String {
    match (document.invalidated_on, document.valid_until) {
        (Some(ended), _) if ended <= day => format!("{} invalidated on {ended}", named(document)),
        (_, Some(last)) if last < day => format!("{} expired on {last}", named(document)),
        _ => format!("{} not valid", named(document)),
    }
}

/// The failure's detail: the gap, and the documents of the kinds it concerns that the
/// registries list but that are not valid on `day`.
fn gap_detail(gap: Gap, person: &Iin, documents: &[StateDocument], day: Date) -> String {
    let listed: Vec<String> = documents
        .iter()
        .filter(|d| &d.holder == person && d.issued_on <= day && gap.concerns(d.kind))
        .map(|d| invalidity(d, day))
        .collect();
    if listed.is_empty() {
        format!("{} on {day}: the registries list none", gap.describe())
    } else {
        format!("{} on {day}: {}", gap.describe(), listed.join(", "))
    }
}

/// The intake document as the front office records it. Read leniently (other fields, such as
/// when and by whom it was checked, are ignored; case and spaces are not significant): it is
/// our own record, and its point here is only which document to ask the registry about.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordedIntake {
    kind: String,
    number: String,
    #[serde(default)]
    holder_iin: Option<String>,
}

/// The identity document an officer checked at the front office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IntakeDocument {
    pub(super) kind: StateDocumentKind,
    /// Upper case, runs of spaces made one, as the registries print it.
    pub(super) number: String,
    pub(super) holder: Iin,
}

/// The intake document recorded as `json`, if it names a kind, a number and a valid holder.
pub(super) fn intake_document(json: &str) -> Option<IntakeDocument> {
    let recorded: RecordedIntake = serde_json::from_str(json).ok()?;
    let kind = StateDocumentKind::parse(&recorded.kind.trim().to_uppercase())?;
    let number = recorded
        .number
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    if number.is_empty() {
        return None;
    }
    let holder = Iin::parse(recorded.holder_iin.as_deref()?).ok()?;
    Some(IntakeDocument {
        kind,
        number,
        holder,
    })
}

/// The identity check on `subject` (the person to be registered) on `day`, through the
/// population registry and the documents port.
pub(super) async fn confirm(
    ctx: &ServiceContext,
    app: &application::Model,
    subject: &Iin,
    day: Date,
) -> Outcome {
    match ctx.population.find_person(subject).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return Outcome::NotConfirmed(
                "the population registry does not know the person".to_owned(),
            );
        }
        Err(error) => {
            tracing::warn!(%error, "population registry unavailable for a check");
            return Outcome::Unanswered("the population registry");
        }
    }
    let documents = match ctx.state_documents.documents_of(subject).await {
        Ok(documents) => documents,
        Err(error) => {
            tracing::warn!(%error, "document registry unavailable for a check");
            return Outcome::Unanswered("the document registry");
        }
    };
    let relied_on = match identify(subject, &documents, day) {
        Ok(relied_on) => relied_on,
        Err(gap) => return Outcome::NotConfirmed(gap_detail(gap, subject, &documents, day)),
    };
    let mut evidence = format!(
        "the population registry knows {}; identified by {}",
        subject.masked(),
        relied_on
            .iter()
            .map(|d| named(d))
            .collect::<Vec<_>>()
            .join(" and ")
    );
    if let Some(json) = &app.intake_document {
        match confirm_intake(ctx, json, day).await {
            Ok(confirmed) => evidence.push_str(&format!("; {confirmed}")),
            Err(outcome) => return outcome,
        }
    }
    Outcome::Confirmed(evidence)
}

/// Whether the identity document checked at the front office still identifies its holder on
/// `day` (a card declared lost since, or one that was never theirs, does not): the evidence's
/// words if so, the failed or unanswered outcome if not.
async fn confirm_intake(ctx: &ServiceContext, json: &str, day: Date) -> Result<String, Outcome> {
    let Some(intake) = intake_document(json) else {
        return Err(Outcome::NotConfirmed(
            "the identity document recorded at the front office cannot be read".to_owned(),
        ));
    };
    let found = match ctx
        .state_documents
        .document(intake.kind, &intake.number)
        .await
    {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(%error, "document registry unavailable for a check");
            return Err(Outcome::Unanswered("the document registry"));
        }
    };
    let shown = format!(
        "{} {}",
        intake.kind.as_str(),
        mask_document_number(&intake.number)
    );
    match StateDocument::identifies(found.as_ref(), &intake.holder, day) {
        Ok(()) => Ok(format!(
            "the document checked at the front office ({shown}) identifies {}",
            intake.holder.masked()
        )),
        Err(mismatch) => Err(Outcome::NotConfirmed(format!(
            "the document checked at the front office ({shown}) does not identify {} on {day}: \
             {mismatch}",
            intake.holder.masked()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const DAY: Date = date!(2026 - 12 - 01);

    fn iin(text: &str) -> Iin {
        Iin::parse(text).unwrap()
    }

    fn document(
        kind: StateDocumentKind,
        number: &str,
        holder: &str,
        issued_on: Date,
        valid_until: Option<Date>,
        invalidated_on: Option<Date>,
    ) -> StateDocument {
        StateDocument {
            kind,
            number: number.to_owned(),
            holder: iin(holder),
            issued_on,
            valid_until,
            invalidated_on,
        }
    }

    const AIGERIM: &str = "871008401427";
    /// Born 2012-09-14: 14 since 2026-09-14.
    const ALIYA: &str = "120914600121";
    use StateDocumentKind::{BirthCertificate, IdCard, Passport};

    fn id_card(number: &str, holder: &str, until: Date, lost: Option<Date>) -> StateDocument {
        let issued = until.replace_year(until.year() - 10).unwrap();
        document(IdCard, number, holder, issued, Some(until), lost)
    }

    fn numbers(found: &[&StateDocument]) -> Vec<String> {
        found.iter().map(|d| d.number.clone()).collect()
    }

    #[test]
    fn an_adult_needs_a_valid_identity_card_or_passport() {
        let valid = id_card("054217803", AIGERIM, date!(2034 - 10 - 14), None);
        let expired = id_card("031845672", AIGERIM, date!(2024 - 07 - 01), None);
        let lost = id_card(
            "049372615",
            AIGERIM,
            date!(2034 - 07 - 04),
            Some(date!(2024 - 10 - 10)),
        );
        let aigerim = iin(AIGERIM);
        let all = [expired.clone(), valid.clone(), lost.clone()];
        assert_eq!(
            identify(&aigerim, &all, DAY).map(|f| numbers(&f)),
            Ok(vec!["054217803".to_owned()])
        );
        let only_old = [expired.clone(), lost.clone()];
        assert_eq!(
            identify(&aigerim, &only_old, DAY),
            Err(Gap::NoIdentityDocument)
        );
        assert_eq!(
            gap_detail(Gap::NoIdentityDocument, &aigerim, &only_old, DAY),
            "no identity card or passport of the person is valid on 2026-12-01: \
             ID_CARD ******672 expired on 2024-07-01, ID_CARD ******615 invalidated on 2024-10-10"
        );
        // The last day of validity still counts; the day of invalidation does not.
        assert!(
            identify(
                &aigerim,
                std::slice::from_ref(&expired),
                date!(2024 - 07 - 01)
            )
            .is_ok()
        );
        assert!(identify(&aigerim, &[lost], date!(2024 - 10 - 10)).is_err());
        // A passport does as well; a birth certificate, or somebody else's card, does not.
        let passport = document(
            Passport,
            "N13582046",
            AIGERIM,
            date!(2025 - 05 - 20),
            Some(date!(2035 - 05 - 19)),
            None,
        );
        assert!(identify(&aigerim, std::slice::from_ref(&passport), DAY).is_ok());
        let certificate = document(
            BirthCertificate,
            "I-АЛ № 0412583",
            AIGERIM,
            date!(1987 - 10 - 20),
            None,
            None,
        );
        let someone_elses = id_card("046381927", "760212350620", date!(2032 - 02 - 28), None);
        assert_eq!(
            identify(&aigerim, &[certificate, someone_elses], DAY),
            Err(Gap::NoIdentityDocument)
        );
        assert_eq!(
            gap_detail(Gap::NoIdentityDocument, &aigerim, &[], DAY),
            "no identity card or passport of the person is valid on 2026-12-01: the registries \
             list none"
        );
    }

    #[test]
    fn a_minor_needs_her_birth_certificate_and_from_14_her_passport_if_any() {
        // DOMAIN: documents: children from 14: birth certificate and passport (if any)
        let aliya = iin(ALIYA);
        let certificate = document(
            BirthCertificate,
            "I-АЛ № 0412583",
            ALIYA,
            date!(2012 - 09 - 21),
            None,
            None,
        );
        let passport = document(
            Passport,
            "N16204871",
            ALIYA,
            date!(2026 - 10 - 02),
            Some(date!(2036 - 10 - 01)),
            None,
        );
        let both = [passport.clone(), certificate.clone()];
        assert_eq!(
            identify(&aliya, &both, DAY).map(|f| numbers(&f)),
            Ok(vec!["I-АЛ № 0412583".to_owned(), "N16204871".to_owned()])
        );
        // No passport issued: the birth certificate alone, at 14 as at 13.
        let alone = [certificate.clone()];
        assert_eq!(identify(&aliya, &alone, DAY).map(|f| f.len()), Ok(1));
        // Before the passport was issued (she was 13), it is not hers to rely on yet.
        assert_eq!(
            identify(&aliya, &both, date!(2026 - 06 - 01)).map(|f| numbers(&f)),
            Ok(vec!["I-АЛ № 0412583".to_owned()])
        );
        // A passport alone does not make a minor's birth certificate unnecessary.
        assert_eq!(
            identify(&aliya, std::slice::from_ref(&passport), DAY),
            Err(Gap::NoBirthCertificate)
        );
        let replaced = StateDocument {
            invalidated_on: Some(date!(2020 - 01 - 15)),
            ..certificate.clone()
        };
        assert_eq!(
            identify(&aliya, &[replaced.clone(), passport.clone()], DAY),
            Err(Gap::NoBirthCertificate)
        );
        assert_eq!(
            gap_detail(
                Gap::NoBirthCertificate,
                &aliya,
                &[replaced, passport.clone()],
                DAY
            ),
            "no birth certificate of the minor is valid on 2026-12-01: BIRTH_CERTIFICATE \
             ***********583 invalidated on 2020-01-15"
        );
        // From 14, a passport the state issued that is not valid fails, however valid the
        // birth certificate; under 14 it is not asked for.
        let lost = StateDocument {
            invalidated_on: Some(date!(2026 - 11 - 01)),
            ..passport
        };
        let with_lost = [certificate, lost];
        assert_eq!(
            identify(&aliya, &with_lost, DAY),
            Err(Gap::IdentityDocumentNotValid)
        );
        assert_eq!(
            gap_detail(Gap::IdentityDocumentNotValid, &aliya, &with_lost, DAY),
            "the minor's identity card or passport (from 14) is not valid on 2026-12-01: \
             PASSPORT ******871 invalidated on 2026-11-01"
        );
        assert_eq!(
            identify(&aliya, &with_lost, date!(2026 - 09 - 13)).map(|f| f.len()),
            Ok(1),
            "the day before her 14th birthday"
        );
        // The day a minor turns 18, she is identified as an adult.
        let dana = "061211600012";
        let dana_certificate = document(
            BirthCertificate,
            "I-АЛ № 0000001",
            dana,
            date!(2006 - 12 - 20),
            None,
            None,
        );
        assert!(
            identify(
                &iin(dana),
                std::slice::from_ref(&dana_certificate),
                date!(2024 - 12 - 10)
            )
            .is_ok()
        );
        assert_eq!(
            identify(&iin(dana), &[dana_certificate], date!(2024 - 12 - 11)),
            Err(Gap::NoIdentityDocument)
        );
    }

    #[test]
    fn the_intake_document_is_read_leniently() {
        let read = intake_document(
            r#"{"kind":" id_card ","number":" 054217803 ","holderIin":"871008401427",
                "checkedAt":"2026-12-01T10:00:00Z","officer":"x"}"#,
        );
        assert_eq!(
            read,
            Some(IntakeDocument {
                kind: IdCard,
                number: "054217803".to_owned(),
                holder: iin(AIGERIM),
            })
        );
        assert_eq!(
            intake_document(
                r#"{"kind":"PASSPORT","number":"n 1358  2046","holderIin":"871008401427"}"#
            )
            .map(|d| d.number),
            Some("N 1358 2046".to_owned())
        );
        for unreadable in [
            "not json",
            r#"{"kind":"DRIVING_LICENCE","number":"1","holderIin":"871008401427"}"#,
            r#"{"kind":"ID_CARD","number":"  ","holderIin":"871008401427"}"#,
            r#"{"kind":"ID_CARD","number":"054217803"}"#,
            r#"{"kind":"ID_CARD","number":"054217803","holderIin":"821214240092"}"#,
        ] {
            assert_eq!(intake_document(unreadable), None, "{unreadable}");
        }
    }

    #[test]
    fn evidence_names_documents_by_kind_and_masked_number() {
        let valid = id_card("054217803", AIGERIM, date!(2034 - 10 - 14), None);
        assert_eq!(named(&valid), "ID_CARD ******803");
        let not_yet = document(
            IdCard,
            "054217803",
            AIGERIM,
            date!(2027 - 01 - 01),
            Some(date!(2037 - 01 - 01)),
            None,
        );
        assert_eq!(invalidity(&not_yet, DAY), "ID_CARD ******803 not valid");
    }
}
