//! The input objects of the application operations, and the validation that parses them into
//! the service's domain types.

use crate::graphql::context::service;
use crate::graphql::enums::{
    ArrivalIdentityDocument, DeregistrationProof, RegistrationKind, Representation,
    StateDocumentKind,
};
use crate::graphql::errors::{UserError, UserErrorCode};
use crate::graphql::locale::Locale;
use crate::graphql::sentences::{self, Sentence};
use async_graphql::{Context, ID, InputObject, MaybeUndefined};
use registration_core::domain::{self, Area, CountryCode, Iin, RegistrationPeriod, Rka, Text};
use registration_core::service::applications::draft::{
    self, AddressChoice, Arrival, RepresentationDocument,
};
use registration_core::service::front_office;

/// An address given by RKA (alone, when the applicant owns it, or with the owner's IIN), or
/// by the owner's IIN and the area. In state or municipal rental housing the tenant's IIN
/// stands for the owner's.
#[derive(InputObject, Debug, Clone)]
pub struct AddressInput {
    /// The address registration code (digits).
    pub rka: Option<String>,
    /// The owner's (or tenant's) IIN: with `area`, or with `rka`.
    pub owner_iin: Option<String>,
    /// The area of the real-estate object in m², up to two decimals (with `ownerIin`).
    pub area: Option<String>,
}

/// The representative's document.
#[derive(InputObject, Debug, Clone)]
pub struct RepresentationDocumentInput {
    /// What it is, e.g. "birth certificate", "guardianship decision", "power of attorney".
    pub kind: String,
    /// Its number.
    pub number: String,
    /// When it was issued (YYYY-MM-DD).
    pub issued_on: String,
    /// Who issued it (for a power of attorney: the notary).
    pub issuer: String,
}

/// In whose name the application is filed.
#[derive(InputObject, Debug, Clone)]
pub struct RepresentationInput {
    /// Self, or the kind of representation.
    pub kind: Representation,
    /// The represented person's IIN (not for `SELF_APPLICANT`).
    pub subject_iin: Option<String>,
    /// The document that gives the representative authority.
    pub document: Option<RepresentationDocumentInput>,
}

/// Arrival from abroad for permanent residence.
#[derive(InputObject, Debug, Clone)]
pub struct ArrivalFromAbroadInput {
    /// The country of former residence (ISO 3166-1 alpha-2).
    pub country: String,
    /// The identity document.
    pub identity_document: ArrivalIdentityDocument,
    /// Its number.
    pub identity_document_number: String,
    /// The proof of de-registration, if any (without it, registration is only temporary).
    pub deregistration_proof: Option<DeregistrationProof>,
}

/// A document the state issued, by its kind and number.
#[derive(InputObject, Debug, Clone)]
pub struct IdentityDocumentInput {
    /// An identity card or a passport (a birth certificate does not identify a person).
    pub kind: StateDocumentKind,
    /// Its number as printed (series included).
    pub number: String,
}

/// Filing at a front office: the citizen present, and the identity document the officer
/// checks.
#[derive(InputObject, Debug, Clone)]
pub struct FrontOfficeInput {
    /// The applicant's IIN.
    pub applicant_iin: String,
    /// The identity document the applicant presented: checked against the state's registries
    /// and recorded.
    pub identity_document: IdentityDocumentInput,
}

/// Input of `createApplication`. Everything may be left out: a draft may be incomplete.
#[derive(InputObject, Debug, Default)]
pub struct CreateApplicationInput {
    /// For an officer at a front office: file for the citizen present (`channel:
    /// FRONT_OFFICE`). The officer then changes and signs the draft with the body's key.
    pub front_office: Option<FrontOfficeInput>,
    /// Permanent or temporary registration.
    pub kind: Option<RegistrationKind>,
    /// For temporary registration: 1 to 12 months.
    pub period_months: Option<i32>,
    /// The address.
    pub address: Option<AddressInput>,
    /// In whose name (default: the applicant themself).
    pub representation: Option<RepresentationInput>,
    /// Arrival from abroad, if so.
    pub arrival_from_abroad: Option<ArrivalFromAbroadInput>,
    /// Whether the person to register has refugee status.
    pub refugee: Option<bool>,
    /// Consent to access restricted personal data.
    pub personal_data_consent: Option<bool>,
    /// A key of the client's choosing: a retry with the same key returns the same draft.
    pub idempotency_key: Option<String>,
    /// Echoed back in the payload, for clients that match answers to requests.
    pub client_mutation_id: Option<String>,
}

/// Input of `updateApplication`: fields left out stay as they are; fields set to null are cleared.
#[derive(InputObject, Debug)]
pub struct UpdateApplicationInput {
    /// The application's global ID.
    pub id: ID,
    /// The version the change is based on.
    pub version: i32,
    /// Permanent or temporary registration.
    pub kind: MaybeUndefined<RegistrationKind>,
    /// For temporary registration: 1 to 12 months.
    pub period_months: MaybeUndefined<i32>,
    /// The address.
    pub address: MaybeUndefined<AddressInput>,
    /// In whose name.
    pub representation: Option<RepresentationInput>,
    /// Arrival from abroad.
    pub arrival_from_abroad: MaybeUndefined<ArrivalFromAbroadInput>,
    /// Refugee status.
    pub refugee: Option<bool>,
    /// Consent to access restricted personal data.
    pub personal_data_consent: MaybeUndefined<bool>,
    /// Echoed back in the payload, for clients that match answers to requests.
    pub client_mutation_id: Option<String>,
}

/// Input of `withdrawApplication`.
#[derive(InputObject, Debug)]
pub struct WithdrawApplicationInput {
    /// The application's global ID.
    pub id: ID,
    /// The version the withdrawal is based on.
    pub version: i32,
    /// Why, optionally.
    pub reason: Option<String>,
    /// Echoed back in the payload, for clients that match answers to requests.
    pub client_mutation_id: Option<String>,
}

/// Collects validation errors while parsing an input.
pub(super) struct Validation {
    locale: Locale,
    /// Today, from the service's clock: documents are not issued in the future.
    today: time::Date,
    pub(super) errors: Vec<UserError>,
}

impl Validation {
    pub(super) fn new(ctx: &Context<'_>, locale: Locale) -> async_graphql::Result<Self> {
        Ok(Validation {
            locale,
            today: service(ctx)?.clock.now().date(),
            errors: Vec::new(),
        })
    }
}

impl Validation {
    pub(super) fn bad(&mut self, field: &[&str], why: impl Into<Sentence>) {
        self.errors.push(UserError::explained(
            UserErrorCode::BadUserInput,
            field,
            self.locale,
            why.into(),
        ));
    }

    pub(super) fn period(&mut self, months: Option<i32>) -> Option<RegistrationPeriod> {
        let months = months?;
        RegistrationPeriod::parse(i64::from(months))
            .map_err(|e| self.bad(&["input", "periodMonths"], e))
            .ok()
    }

    pub(super) fn address(&mut self, input: AddressInput) -> Option<AddressChoice> {
        match (input.rka, input.owner_iin, input.area) {
            (Some(rka), None, None) => Rka::parse(&rka)
                .map(AddressChoice::ByRka)
                .map_err(|e| self.bad(&["input", "address", "rka"], e))
                .ok(),
            (Some(rka), Some(iin), None) => {
                let rka = Rka::parse(&rka)
                    .map_err(|e| self.bad(&["input", "address", "rka"], e))
                    .ok();
                let iin = Iin::parse(&iin)
                    .map_err(|e| self.bad(&["input", "address", "ownerIin"], e))
                    .ok();
                Some(AddressChoice::ByRkaAndOwner(rka?, iin?))
            }
            (None, Some(iin), Some(area)) => {
                let iin = Iin::parse(&iin)
                    .map_err(|e| self.bad(&["input", "address", "ownerIin"], e))
                    .ok();
                let area = Area::parse(&area)
                    .map_err(|e| self.bad(&["input", "address", "area"], e))
                    .ok();
                Some(AddressChoice::ByOwner(iin?, area?))
            }
            _ => {
                self.bad(&["input", "address"], sentences::ADDRESS_ONE_WAY);
                None
            }
        }
    }

    /// A document named by kind and number, at `field`.
    pub(super) fn document(
        &mut self,
        field: &[&str],
        input: IdentityDocumentInput,
    ) -> Option<front_office::DocumentRef> {
        front_office::DocumentRef::new(input.kind.into(), &input.number)
            .map_err(|_| {
                let mut at = field.to_vec();
                at.push("number");
                self.bad(&at, sentences::DOCUMENT_NUMBER_SHAPE);
            })
            .ok()
    }

    /// The citizen present at a front office and their document.
    pub(super) fn front_office(
        &mut self,
        input: FrontOfficeInput,
    ) -> Option<(Iin, front_office::DocumentRef)> {
        let iin = Iin::parse(&input.applicant_iin)
            .map_err(|e| self.bad(&["input", "frontOffice", "applicantIin"], e))
            .ok();
        let document = self.document(
            &["input", "frontOffice", "identityDocument"],
            input.identity_document,
        );
        Some((iin?, document?))
    }

    pub(super) fn text(&mut self, field: &[&str], input: &str, max_chars: usize) -> Option<Text> {
        Text::parse(input, max_chars)
            .map_err(|e| self.bad(field, e))
            .ok()
    }

    pub(super) fn representation(
        &mut self,
        input: RepresentationInput,
    ) -> Option<(
        draft::Representation,
        Option<String>,
        Option<RepresentationDocument>,
    )> {
        let kind = draft::Representation::from(input.kind);
        let subject = match (kind, input.subject_iin) {
            (draft::Representation::SelfApplicant, Some(_)) => {
                self.bad(
                    &["input", "representation", "subjectIin"],
                    sentences::SUBJECT_ONLY_FOR_REPRESENTATIVES,
                );
                return None;
            }
            (_, Some(iin)) => Some(
                Iin::parse(&iin)
                    .map_err(|e| self.bad(&["input", "representation", "subjectIin"], e))
                    .ok()?
                    .as_str()
                    .to_owned(),
            ),
            (_, None) => None,
        };
        let document = match input.document {
            None => None,
            Some(d) => {
                const DOCUMENT: [&str; 3] = ["input", "representation", "document"];
                let kind = self.text(
                    &[DOCUMENT[0], DOCUMENT[1], DOCUMENT[2], "kind"],
                    &d.kind,
                    200,
                );
                let number = self.text(
                    &[DOCUMENT[0], DOCUMENT[1], DOCUMENT[2], "number"],
                    &d.number,
                    100,
                );
                let issuer = self.text(
                    &[DOCUMENT[0], DOCUMENT[1], DOCUMENT[2], "issuer"],
                    &d.issuer,
                    300,
                );
                let issued_on = domain::IssueDate::parse(&d.issued_on, self.today)
                    .map_err(|e| self.bad(&[DOCUMENT[0], DOCUMENT[1], DOCUMENT[2], "issuedOn"], e))
                    .ok();
                Some(RepresentationDocument::new(
                    kind?,
                    number?,
                    issued_on?.date(),
                    issuer?,
                ))
            }
        };
        Some((kind, subject, document))
    }

    pub(super) fn arrival(&mut self, input: ArrivalFromAbroadInput) -> Option<Arrival> {
        let country = match CountryCode::parse(&input.country) {
            Ok(country) if !country.is_kazakhstan() => Some(country),
            Ok(_) => {
                self.bad(
                    &["input", "arrivalFromAbroad", "country"],
                    sentences::COUNTRY_NOT_KAZAKHSTAN,
                );
                None
            }
            Err(e) => {
                self.bad(&["input", "arrivalFromAbroad", "country"], e);
                None
            }
        };
        let number = self.text(
            &["input", "arrivalFromAbroad", "identityDocumentNumber"],
            &input.identity_document_number,
            50,
        );
        Some(Arrival::new(
            country?,
            input.identity_document.into(),
            number?,
            input.deregistration_proof.map(Into::into),
        ))
    }
}

pub(super) fn maybe<T, U>(
    value: MaybeUndefined<T>,
    parse: impl FnOnce(T) -> Option<U>,
) -> Result<Option<Option<U>>, ()> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => parse(v).map(|u| Some(Some(u))).ok_or(()),
    }
}
