//! The service core's enums as GraphQL exposes them: thin mirrors (`#[graphql(remote = …)]`
//! derives the conversions both ways), so the schema's names and descriptions live here and
//! the core knows nothing of GraphQL.

use async_graphql::Enum;
use registration_core::domain;
use registration_core::service::applications::draft;
use registration_core::service::signing;

/// Where an application stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ApplicationStatus")]
pub enum ApplicationStatus {
    /// Being prepared by the applicant; may be incomplete.
    Draft,
    /// Signed and filed; awaiting the owners' consents or review.
    Submitted,
    /// Waiting for the owner's (every co-owner's) consent, signed with EDS.
    AwaitingConsents,
    /// Complete (every consent given): being decided, automatically or by an officer, within
    /// the service time.
    InReview,
    /// Approved: waiting for the population registry to confirm the entry.
    Approved,
    /// Registered: entered in the population registry.
    Registered,
    /// Refused, on a ground of the closed list.
    Refused,
    /// Withdrawn by the applicant before a decision.
    Withdrawn,
}

/// A ground of refusal, from the closed list.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::RefusalGround")]
pub enum RefusalGround {
    /// The documents or data are unreliable, or the applicant or the materials do not meet the
    /// regulatory requirements.
    UnreliableDocumentsOrData,
    /// The applicant did not consent to access to restricted personal data (Article 8 of the
    /// Law "On Personal Data and their Protection").
    NoPersonalDataConsent,
}

/// Who changed a status.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ActorRole")]
pub enum ActorRole {
    /// The applicant (or their representative).
    Applicant,
    /// An officer of the service provider.
    Officer,
    /// The service itself, applying a rule (e.g. a refusal for a missing consent).
    System,
    /// An owner of the dwelling (or their representative), consenting or declining.
    Owner,
    /// The administration of a hostel or dormitory, consenting for the organisation.
    Administration,
}

/// Permanent or temporary registration.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "draft::RegistrationKind")]
pub enum RegistrationKind {
    /// Registration at the place of residence (the address of permanent registration).
    Permanent,
    /// Registration at the place of temporary stay, for a period of 1 to 12 months.
    Temporary,
}

/// In whose name the application is filed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "draft::Representation")]
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

/// How a citizen arriving from abroad proves their identity.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "draft::ArrivalIdentityDocument")]
pub enum ArrivalIdentityDocument {
    /// A passport of the Republic of Kazakhstan.
    Passport,
    /// A certificate of return (when the passport is lost or expired).
    CertificateOfReturn,
}

/// What proves that the citizen left the former country's registration.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "draft::DeregistrationProof")]
pub enum DeregistrationProof {
    /// A document confirming de-registration from the former country.
    DeregistrationDocument,
    /// A certificate of citizenship from that country.
    CitizenshipCertificate,
}

/// What still blocks a draft's submission.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "draft::RequirementCode")]
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
    /// Children aged 14 to 16 apply through a legal representative; under 14 they are not
    /// registered separately.
    SubjectAgeNotAllowed,
    /// Without a de-registration document or a certificate of citizenship, a citizen arriving
    /// from abroad is registered only temporarily.
    PermanentRequiresDeregistrationProof,
    /// Answer whether you consent to access to restricted personal data.
    PersonalDataConsentUnanswered,
    /// A citizen arriving from abroad uploads the identity document they named (`PASSPORT` or
    /// `CERTIFICATE_OF_RETURN`, with `uploadDocument`).
    IdentityDocumentNotUploaded,
    /// A citizen arriving from abroad uploads the de-registration proof they named
    /// (`DEREGISTRATION_DOCUMENT` or `CITIZENSHIP_CERTIFICATE`, with `uploadDocument`).
    DeregistrationProofNotUploaded,
}

/// What a key is for, as NCALayer's key types name it.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::KeyPurpose")]
pub enum KeyPurpose {
    /// A signing key (NCALayer's `SIGNATURE`).
    Sign,
    /// An authentication key (NCALayer's `AUTHENTICATION`).
    Auth,
}

/// How a signing request may be signed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "signing::SigningMethod")]
pub enum SigningMethod {
    /// A CMS made with an NCA RK key through NCALayer.
    Eds,
    /// A one-time password sent by SMS to the signer's phone that the citizens' mobile
    /// database confirms (never for consents and decisions).
    Otp,
}

/// How a session was opened.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::AuthMethod")]
pub enum AuthMethod {
    /// With a signature of an NCA RK authentication key (`loginWithSignature`).
    Eds,
    /// With a one-time password sent by SMS (`loginWithOtp`); never an officer's session.
    Otp,
}

/// What a one-time password is for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "registration_core::service::otp::OtpPurpose")]
pub enum OtpPurpose {
    /// Signing in (`loginWithOtp`), with the IIN given.
    Login,
    /// Signing one signing request (`submitApplication` with `signature: { otp }`), as the
    /// signed-in signer it names.
    Sign,
}

/// Why, within its ground, an application was refused.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::RefusalReason")]
pub enum RefusalReason {
    /// The applicant did not consent to access to restricted personal data.
    NoPersonalDataConsent,
    /// The property registry does not confirm the owner's right (by owner IIN + area or owner
    /// IIN + RKA); the history says which check failed.
    OwnerNotConfirmed,
    /// An owner declined to consent.
    ConsentDeclined,
    /// An owner's consent was not given by its deadline.
    ConsentMissing,
    /// In state or municipal rental housing, the person to be registered is neither a tenant
    /// nor of a tenant's household as the lease names it.
    NotInTenantsHousehold,
}

/// A document the state issues, checked by its number against the state's registries.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "registration_core::registries::StateDocumentKind")]
pub enum StateDocumentKind {
    /// The identity card of a citizen of the RK.
    IdCard,
    /// The passport of a citizen of the RK.
    Passport,
    /// A birth certificate.
    BirthCertificate,
}
