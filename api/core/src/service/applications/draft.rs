//! What a draft holds, parsed; and what still blocks its submission.

use crate::domain::{Area, CountryCode, Iin, RegistrationPeriod, Rka, Text};
use entities::application;
use entities::document::DocumentKind;
use entities::enums as stored;
use serde::{Deserialize, Serialize};
use time::Date;

/// Permanent or temporary registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegistrationKind {
    /// Registration at the place of residence (the address of permanent registration).
    Permanent,
    /// Registration at the place of temporary stay, for a period of 1 to 12 months.
    Temporary,
}

impl From<stored::RegistrationKind> for RegistrationKind {
    fn from(kind: stored::RegistrationKind) -> Self {
        match kind {
            stored::RegistrationKind::Permanent => RegistrationKind::Permanent,
            stored::RegistrationKind::Temporary => RegistrationKind::Temporary,
        }
    }
}

impl From<RegistrationKind> for stored::RegistrationKind {
    fn from(kind: RegistrationKind) -> Self {
        match kind {
            RegistrationKind::Permanent => stored::RegistrationKind::Permanent,
            RegistrationKind::Temporary => stored::RegistrationKind::Temporary,
        }
    }
}

/// In whose name the application is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Representation {
    /// The applicant registers themself.
    SelfApplicant,
    /// A parent or other legal representative, for a child aged 14 to 16.
    LegalRepresentativeOfChild,
    /// A guardian or trustee, for a person recognised incapacitated.
    GuardianOfIncapacitated,
    /// A person acting under a notarised power of attorney.
    PowerOfAttorney,
}

impl From<stored::Representation> for Representation {
    fn from(representation: stored::Representation) -> Self {
        use stored::Representation as D;
        match representation {
            D::SelfApplicant => Representation::SelfApplicant,
            D::LegalRepresentativeOfChild => Representation::LegalRepresentativeOfChild,
            D::GuardianOfIncapacitated => Representation::GuardianOfIncapacitated,
            D::PowerOfAttorney => Representation::PowerOfAttorney,
        }
    }
}

impl From<Representation> for stored::Representation {
    fn from(representation: Representation) -> Self {
        use stored::Representation as D;
        match representation {
            Representation::SelfApplicant => D::SelfApplicant,
            Representation::LegalRepresentativeOfChild => D::LegalRepresentativeOfChild,
            Representation::GuardianOfIncapacitated => D::GuardianOfIncapacitated,
            Representation::PowerOfAttorney => D::PowerOfAttorney,
        }
    }
}

/// The fields of a draft, for saying which one a problem concerns (the transport turns them
/// into its own paths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DraftField {
    Kind,
    PeriodMonths,
    Address,
    RepresentationSubjectIin,
    RepresentationDocument,
    PersonalDataConsent,
    /// The identity document an arrival from abroad names (an uploaded document is wanted).
    ArrivalIdentityDocument,
    /// The de-registration proof an arrival from abroad names (an uploaded document is wanted).
    ArrivalDeregistrationProof,
}

/// The document that gives a representative authority (birth certificate, guardianship
/// decision, power of attorney), as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepresentationDocument {
    pub kind: String,
    pub number: String,
    pub issued_on: String,
    pub issuer: String,
}

impl RepresentationDocument {
    /// The stored form of parsed values.
    pub fn new(kind: Text, number: Text, issued_on: Date, issuer: Text) -> Self {
        RepresentationDocument {
            kind: kind.into_string(),
            number: number.into_string(),
            issued_on: format!(
                "{:04}-{:02}-{:02}",
                issued_on.year(),
                u8::from(issued_on.month()),
                issued_on.day()
            ),
            issuer: issuer.into_string(),
        }
    }
}

/// How a citizen arriving from abroad proves their identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArrivalIdentityDocument {
    /// A passport of the Republic of Kazakhstan.
    Passport,
    /// A certificate of return (when the passport is lost or expired).
    CertificateOfReturn,
}

impl ArrivalIdentityDocument {
    /// The kind of the uploaded document that shows it.
    pub fn document_kind(self) -> DocumentKind {
        match self {
            ArrivalIdentityDocument::Passport => DocumentKind::Passport,
            ArrivalIdentityDocument::CertificateOfReturn => DocumentKind::CertificateOfReturn,
        }
    }
}

/// What proves that the citizen left the former country's registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeregistrationProof {
    /// A document confirming de-registration from the former country.
    DeregistrationDocument,
    /// A certificate of citizenship from that country.
    CitizenshipCertificate,
}

impl DeregistrationProof {
    /// The kind of the uploaded document that shows it.
    pub fn document_kind(self) -> DocumentKind {
        match self {
            DeregistrationProof::DeregistrationDocument => DocumentKind::DeregistrationDocument,
            DeregistrationProof::CitizenshipCertificate => DocumentKind::CitizenshipCertificate,
        }
    }
}

/// Arrival from abroad for permanent residence, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arrival {
    pub country: String,
    pub identity_document: ArrivalIdentityDocument,
    pub identity_document_number: String,
    pub deregistration_proof: Option<DeregistrationProof>,
}

impl Arrival {
    /// The stored form of parsed values.
    pub fn new(
        country: CountryCode,
        identity_document: ArrivalIdentityDocument,
        identity_document_number: Text,
        deregistration_proof: Option<DeregistrationProof>,
    ) -> Self {
        Arrival {
            country: country.as_str().to_owned(),
            identity_document,
            identity_document_number: identity_document_number.into_string(),
            deregistration_proof,
        }
    }
}

/// What still blocks a draft's submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequirementCode {
    /// Choose permanent or temporary registration.
    KindMissing,
    /// Temporary registration needs a period of 1 to 12 months.
    PeriodMissing,
    /// Give the address: its RKA code, or the owner's IIN and the area.
    AddressMissing,
    /// The address was not found in the property registry.
    AddressNotFound,
    /// A representative must name the represented person's IIN.
    SubjectIinMissing,
    /// A representative must give the document that gives them authority.
    RepresentationDocumentMissing,
    /// DOMAIN: children aged 14 to 16 apply through a legal representative; under 14 they are
    /// not registered separately.
    SubjectAgeNotAllowed,
    /// DOMAIN: without a de-registration document or a certificate of citizenship, a citizen
    /// arriving from abroad is registered only temporarily.
    PermanentRequiresDeregistrationProof,
    /// Answer whether you consent to access to restricted personal data.
    PersonalDataConsentUnanswered,
    /// DOMAIN: a citizen arriving from abroad uploads the identity document they named (the
    /// passport, or the certificate of return).
    IdentityDocumentNotUploaded,
    /// DOMAIN: a citizen arriving from abroad who names a de-registration document or a
    /// certificate of citizenship uploads it.
    DeregistrationProofNotUploaded,
}

/// One blocking requirement: the field it concerns and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub field: DraftField,
    pub code: RequirementCode,
}

/// What blocks submission, from the draft alone; `address_found` is the registry's answer
/// (`None` when no address is given). `today` is (year, month, day) for age checks.
pub fn missing_requirements(
    draft: &application::Model,
    address_found: Option<bool>,
    today: (i32, u8, u8),
) -> Vec<Missing> {
    let mut missing = Vec::new();
    let mut need = |field: DraftField, code| missing.push(Missing { field, code });
    let kind = draft.kind.map(RegistrationKind::from);
    match kind {
        None => need(DraftField::Kind, RequirementCode::KindMissing),
        Some(RegistrationKind::Temporary) if draft.period_months.is_none() => {
            need(DraftField::PeriodMonths, RequirementCode::PeriodMissing);
        }
        _ => {}
    }
    let has_address = draft.address_rka.is_some()
        || (draft.address_owner_iin.is_some() && draft.address_area_hundredths.is_some());
    if !has_address {
        need(DraftField::Address, RequirementCode::AddressMissing);
    } else if address_found == Some(false) {
        need(DraftField::Address, RequirementCode::AddressNotFound);
    }
    let representation = Representation::from(draft.representation);
    if representation != Representation::SelfApplicant {
        match draft.subject_iin.as_deref() {
            None => need(
                DraftField::RepresentationSubjectIin,
                RequirementCode::SubjectIinMissing,
            ),
            Some(iin) => {
                if representation == Representation::LegalRepresentativeOfChild {
                    // DOMAIN: children aged 14-16 apply through a legal representative.
                    let age = Iin::parse(iin)
                        .ok()
                        .map(|iin| iin.age_on(today.0, today.1, today.2));
                    if !age.is_some_and(|age| (14..=16).contains(&age)) {
                        need(
                            DraftField::RepresentationSubjectIin,
                            RequirementCode::SubjectAgeNotAllowed,
                        );
                    }
                }
            }
        }
        if draft.representation_document.is_none() {
            need(
                DraftField::RepresentationDocument,
                RequirementCode::RepresentationDocumentMissing,
            );
        }
    }
    if let Some(arrival) = draft
        .arrival_from_abroad
        .as_deref()
        .and_then(|a| serde_json::from_str::<Arrival>(a).ok())
    {
        // DOMAIN: without de-registration proof, only temporary registration.
        if arrival.deregistration_proof.is_none() && kind == Some(RegistrationKind::Permanent) {
            need(
                DraftField::Kind,
                RequirementCode::PermanentRequiresDeregistrationProof,
            );
        }
    }
    if draft.personal_data_consent.is_none() {
        need(
            DraftField::PersonalDataConsent,
            RequirementCode::PersonalDataConsentUnanswered,
        );
    }
    missing
}

/// What an arrival from abroad still lacks among the uploaded documents, whose kinds are
/// `uploaded`: nothing for a draft without an arrival.
// DOMAIN: citizens arriving from abroad: passport (or certificate of return) and a document
// confirming de-registration, or a certificate of citizenship; the state holds none of them.
pub fn missing_documents(draft: &application::Model, uploaded: &[DocumentKind]) -> Vec<Missing> {
    let Some(arrival) = draft
        .arrival_from_abroad
        .as_deref()
        .and_then(|a| serde_json::from_str::<Arrival>(a).ok())
    else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    if !uploaded.contains(&arrival.identity_document.document_kind()) {
        missing.push(Missing {
            field: DraftField::ArrivalIdentityDocument,
            code: RequirementCode::IdentityDocumentNotUploaded,
        });
    }
    if let Some(proof) = arrival.deregistration_proof
        && !uploaded.contains(&proof.document_kind())
    {
        missing.push(Missing {
            field: DraftField::ArrivalDeregistrationProof,
            code: RequirementCode::DeregistrationProofNotUploaded,
        });
    }
    missing
}

/// An address as the applicant gives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AddressChoice {
    /// By RKA alone: the applicant is the owner (or tenant).
    ByRka(Rka),
    /// By the owner's (or tenant's) IIN and the object's area.
    ByOwner(Iin, Area),
    /// By RKA and the owner's (or tenant's) IIN.
    ByRkaAndOwner(Rka, Iin),
}

/// Validated changes to a draft: `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct DraftChanges {
    pub kind: Option<Option<RegistrationKind>>,
    pub period: Option<Option<RegistrationPeriod>>,
    pub address: Option<Option<AddressChoice>>,
    pub representation: Option<(
        Representation,
        Option<String>,
        Option<RepresentationDocument>,
    )>,
    pub arrival: Option<Option<Arrival>>,
    pub refugee: Option<bool>,
    pub personal_data_consent: Option<Option<bool>>,
}

impl DraftChanges {
    /// Writes the changes into a draft's columns.
    pub fn apply(self, draft: &mut application::Model, applicant_iin: &str) {
        if let Some(kind) = self.kind {
            draft.kind = kind.map(Into::into);
        }
        if let Some(period) = self.period {
            draft.period_months = period.map(|p| i32::from(p.months()));
        }
        if let Some(address) = self.address {
            let (rka, owner, area) = match address {
                None => (None, None, None),
                Some(AddressChoice::ByRka(rka)) => (Some(rka.as_str().to_owned()), None, None),
                Some(AddressChoice::ByOwner(iin, area)) => {
                    (None, Some(iin.as_str().to_owned()), Some(area.hundredths()))
                }
                Some(AddressChoice::ByRkaAndOwner(rka, iin)) => (
                    Some(rka.as_str().to_owned()),
                    Some(iin.as_str().to_owned()),
                    None,
                ),
            };
            draft.address_rka = rka;
            draft.address_owner_iin = owner;
            draft.address_area_hundredths = area;
        }
        if let Some((representation, subject, document)) = self.representation {
            draft.representation = representation.into();
            draft.subject_iin = if representation == Representation::SelfApplicant {
                Some(applicant_iin.to_owned())
            } else {
                subject
            };
            draft.representation_document = document.and_then(|d| serde_json::to_string(&d).ok());
        }
        if let Some(arrival) = self.arrival {
            draft.arrival_from_abroad = arrival.and_then(|a| serde_json::to_string(&a).ok());
        }
        if let Some(refugee) = self.refugee {
            draft.refugee = refugee;
        }
        if let Some(consent) = self.personal_data_consent {
            draft.personal_data_consent = consent;
        }
    }
}

/// A new, empty draft: the applicant registers themself, nothing else is answered yet.
pub fn blank(
    number: String,
    applicant_person_id: uuid::Uuid,
    applicant_iin: &str,
    now: time::OffsetDateTime,
) -> application::Model {
    application::Model {
        id: uuid::Uuid::new_v4(),
        number,
        applicant_person_id,
        subject_iin: Some(applicant_iin.to_owned()),
        kind: None,
        period_months: None,
        address_rka: None,
        address_owner_iin: None,
        address_area_hundredths: None,
        representation: stored::Representation::SelfApplicant,
        representation_document: None,
        arrival_from_abroad: None,
        refugee: false,
        personal_data_consent: None,
        status: stored::ApplicationStatus::Draft,
        refusal_ground: None,
        refusal_reason: None,
        version: 1,
        idempotency_key: None,
        idempotency_digest: None,
        created_at: now,
        updated_at: now,
        submitted_at: None,
        owner_check_attempts: 0,
        owner_check_next_at: None,
        channel: stored::Channel::Portal,
        body_bin: None,
        service_clock_started_at: None,
        service_deadline: None,
        decided_at: None,
        claimed_by: None,
        claim_expires_at: None,
        review_reason: None,
        intake_officer_person_id: None,
        intake_document: None,
    }
}

/// A draft that contradicts itself, whatever else it lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inconsistency {
    /// A period was given for a permanent registration, which has none.
    PeriodForPermanent,
}

/// What a draft says that cannot be true at once.
pub fn inconsistency(draft: &application::Model) -> Option<(DraftField, Inconsistency)> {
    // DOMAIN: only temporary registration has a period
    (draft.kind == Some(stored::RegistrationKind::Permanent) && draft.period_months.is_some())
        .then_some((DraftField::PeriodMonths, Inconsistency::PeriodForPermanent))
}

/// SHA-256 (hex) of what a draft holds, for telling an idempotent retry from a replay of the
/// same key with other content.
pub fn content_digest(draft: &application::Model) -> String {
    let content = serde_json::json!({
        "subjectIin": draft.subject_iin,
        "kind": draft.kind.map(|k| format!("{k:?}")),
        "periodMonths": draft.period_months,
        "rka": draft.address_rka,
        "ownerIin": draft.address_owner_iin,
        "areaHundredths": draft.address_area_hundredths,
        "representation": format!("{:?}", draft.representation),
        "representationDocument": draft.representation_document,
        "arrivalFromAbroad": draft.arrival_from_abroad,
        "refugee": draft.refugee,
        "personalDataConsent": draft.personal_data_consent,
    });
    crate::service::hex_sha256(content.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn draft() -> application::Model {
        blank(
            "26-AAAA-AAAA".to_owned(),
            Uuid::new_v4(),
            "871008401427",
            time::macros::datetime!(2026-11-25 10:00 UTC),
        )
    }

    fn codes(missing: &[Missing]) -> Vec<RequirementCode> {
        missing.iter().map(|m| m.code).collect()
    }

    const TODAY: (i32, u8, u8) = (2026, 11, 25);

    #[test]
    fn an_empty_draft_lists_what_it_lacks() {
        assert_eq!(
            codes(&missing_requirements(&draft(), None, TODAY)),
            [
                RequirementCode::KindMissing,
                RequirementCode::AddressMissing,
                RequirementCode::PersonalDataConsentUnanswered
            ]
        );
    }

    #[test]
    fn a_complete_draft_lacks_nothing_until_the_registry_disagrees() {
        let mut d = draft();
        d.kind = Some(stored::RegistrationKind::Temporary);
        d.period_months = Some(6);
        d.address_rka = Some("1234".to_owned());
        d.personal_data_consent = Some(false);
        assert!(missing_requirements(&d, Some(true), TODAY).is_empty());
        assert_eq!(
            codes(&missing_requirements(&d, Some(false), TODAY)),
            [RequirementCode::AddressNotFound]
        );
        d.period_months = None;
        assert_eq!(
            codes(&missing_requirements(&d, Some(true), TODAY)),
            [RequirementCode::PeriodMissing]
        );
    }

    #[test]
    fn representatives_need_the_subject_and_a_document_and_children_must_be_14_to_16() {
        let mut d = draft();
        d.kind = Some(stored::RegistrationKind::Permanent);
        d.address_rka = Some("1234".to_owned());
        d.personal_data_consent = Some(true);
        d.representation = stored::Representation::LegalRepresentativeOfChild;
        d.subject_iin = None;
        assert_eq!(
            codes(&missing_requirements(&d, Some(true), TODAY)),
            [
                RequirementCode::SubjectIinMissing,
                RequirementCode::RepresentationDocumentMissing
            ]
        );
        d.representation_document = Some("{}".to_owned());
        // DOMAIN: 061211600012 was born 2006-12-11: 19 in 2026, too old for a representative.
        d.subject_iin = Some("061211600012".to_owned());
        assert_eq!(
            codes(&missing_requirements(&d, Some(true), TODAY)),
            [RequirementCode::SubjectAgeNotAllowed]
        );
        // At 15 (in 2022) it is allowed; at 13 (in 2019) it is not.
        assert!(missing_requirements(&d, Some(true), (2022, 1, 1)).is_empty());
        assert_eq!(
            codes(&missing_requirements(&d, Some(true), (2019, 12, 31))),
            [RequirementCode::SubjectAgeNotAllowed]
        );
    }

    #[test]
    fn arrival_without_deregistration_proof_is_only_temporary() {
        let mut d = draft();
        d.kind = Some(stored::RegistrationKind::Permanent);
        d.address_rka = Some("1234".to_owned());
        d.personal_data_consent = Some(true);
        let arrival = Arrival {
            country: "UZ".to_owned(),
            identity_document: ArrivalIdentityDocument::CertificateOfReturn,
            identity_document_number: "N1".to_owned(),
            deregistration_proof: None,
        };
        d.arrival_from_abroad = serde_json::to_string(&arrival).ok();
        assert_eq!(
            codes(&missing_requirements(&d, Some(true), TODAY)),
            [RequirementCode::PermanentRequiresDeregistrationProof]
        );
        d.kind = Some(stored::RegistrationKind::Temporary);
        d.period_months = Some(3);
        assert!(missing_requirements(&d, Some(true), TODAY).is_empty());
    }

    #[test]
    fn an_arrival_uploads_the_documents_it_names() {
        let mut d = draft();
        assert!(missing_documents(&d, &[]).is_empty(), "no arrival");
        let mut arrival = Arrival {
            country: "UZ".to_owned(),
            identity_document: ArrivalIdentityDocument::CertificateOfReturn,
            identity_document_number: "N1".to_owned(),
            deregistration_proof: None,
        };
        d.arrival_from_abroad = serde_json::to_string(&arrival).ok();
        assert_eq!(
            codes(&missing_documents(&d, &[DocumentKind::Passport])),
            [RequirementCode::IdentityDocumentNotUploaded]
        );
        assert!(missing_documents(&d, &[DocumentKind::CertificateOfReturn]).is_empty());
        arrival.identity_document = ArrivalIdentityDocument::Passport;
        arrival.deregistration_proof = Some(DeregistrationProof::CitizenshipCertificate);
        d.arrival_from_abroad = serde_json::to_string(&arrival).ok();
        assert_eq!(
            codes(&missing_documents(
                &d,
                &[DocumentKind::DeregistrationDocument]
            )),
            [
                RequirementCode::IdentityDocumentNotUploaded,
                RequirementCode::DeregistrationProofNotUploaded
            ]
        );
        assert!(
            missing_documents(
                &d,
                &[DocumentKind::CitizenshipCertificate, DocumentKind::Passport]
            )
            .is_empty()
        );
    }
}
