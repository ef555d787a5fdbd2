//! Enumerated columns. Each is stored as the text it had before these types existed (the
//! GraphQL enum value), so no data migration was needed; the service core converts them to its
//! domain enums with exhaustive `From` impls.

use sea_orm::entity::prelude::*;

/// `application.status`, `application_status_change.from_status` / `to_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ApplicationStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "AWAITING_CONSENTS")]
    AwaitingConsents,
    #[sea_orm(string_value = "IN_REVIEW")]
    InReview,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REGISTERED")]
    Registered,
    #[sea_orm(string_value = "REFUSED")]
    Refused,
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// `application.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RegistrationKind {
    #[sea_orm(string_value = "PERMANENT")]
    Permanent,
    #[sea_orm(string_value = "TEMPORARY")]
    Temporary,
}

/// `application.representation`. Stored as text by hand (`DeriveValueType` over `Display` and
/// `FromStr`): `DeriveActiveEnum` cannot take the stored value `SELF`, a Rust keyword once
/// camel-cased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(value_type = "String")]
pub enum Representation {
    SelfApplicant,
    LegalRepresentativeOfChild,
    GuardianOfIncapacitated,
    PowerOfAttorney,
}

impl Representation {
    /// Every value.
    pub const ALL: [Representation; 4] = [
        Representation::SelfApplicant,
        Representation::LegalRepresentativeOfChild,
        Representation::GuardianOfIncapacitated,
        Representation::PowerOfAttorney,
    ];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Representation::SelfApplicant => "SELF",
            Representation::LegalRepresentativeOfChild => "LEGAL_REPRESENTATIVE_OF_CHILD",
            Representation::GuardianOfIncapacitated => "GUARDIAN_OF_INCAPACITATED",
            Representation::PowerOfAttorney => "POWER_OF_ATTORNEY",
        }
    }
}

impl std::fmt::Display for Representation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored representation that is none of the known values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRepresentation;

impl std::fmt::Display for UnknownRepresentation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unknown representation")
    }
}

impl std::error::Error for UnknownRepresentation {}

impl std::str::FromStr for Representation {
    type Err = UnknownRepresentation;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Representation::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or(UnknownRepresentation)
    }
}

/// `application.refusal_ground`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RefusalGround {
    #[sea_orm(string_value = "UNRELIABLE_DOCUMENTS_OR_DATA")]
    UnreliableDocumentsOrData,
    #[sea_orm(string_value = "NO_PERSONAL_DATA_CONSENT")]
    NoPersonalDataConsent,
}

/// `application_status_change.actor_role`, `event.actor_role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ActorRole {
    #[sea_orm(string_value = "APPLICANT")]
    Applicant,
    #[sea_orm(string_value = "OFFICER")]
    Officer,
    #[sea_orm(string_value = "SYSTEM")]
    System,
    #[sea_orm(string_value = "OWNER")]
    Owner,
    #[sea_orm(string_value = "ADMINISTRATION")]
    Administration,
}

/// `event.entity_kind`: what changed status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EventEntityKind {
    #[sea_orm(string_value = "APPLICATION")]
    Application,
    #[sea_orm(string_value = "CONSENT")]
    Consent,
    #[sea_orm(string_value = "REGISTRATION")]
    Registration,
    /// An appeal in the administrative procedure.
    #[sea_orm(string_value = "APPEAL")]
    Appeal,
    /// A complaint against an act, an action or an inaction.
    #[sea_orm(string_value = "COMPLAINT")]
    Complaint,
}

/// `event_audience.kind`: how a party of an event's audience is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AudienceKind {
    /// A person's id.
    #[sea_orm(string_value = "PERSON")]
    Person,
    /// A person's IIN (whether or not they have signed in yet).
    #[sea_orm(string_value = "IIN")]
    Iin,
    /// An organisation's BIN (its administration).
    #[sea_orm(string_value = "BIN")]
    Bin,
}

/// `stored_signature.purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum SignaturePurpose {
    #[sea_orm(string_value = "SIGN_IN")]
    SignIn,
    #[sea_orm(string_value = "APPLICATION")]
    Application,
    #[sea_orm(string_value = "CONSENT")]
    Consent,
    #[sea_orm(string_value = "DECISION")]
    Decision,
    #[sea_orm(string_value = "APPEAL")]
    Appeal,
    /// A body's act on an appeal or complaint (a decision, an extension).
    #[sea_orm(string_value = "APPEAL_ACT")]
    AppealAct,
}

/// `signing_request.subject_kind`: what a signing request signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum SigningSubjectKind {
    #[sea_orm(string_value = "APPLICATION")]
    Application,
    #[sea_orm(string_value = "CONSENT")]
    Consent,
    /// An officer's decision on an application (its subject id is the application's).
    #[sea_orm(string_value = "DECISION")]
    Decision,
    /// An applicant's appeal (the administrative procedure); its subject id is the appeal's.
    #[sea_orm(string_value = "APPEAL")]
    Appeal,
    /// A body's act on an appeal or complaint (a decision, the head's extension); its subject
    /// id is the appeal's (or complaint's).
    #[sea_orm(string_value = "APPEAL_ACT")]
    AppealAct,
}

/// `consent.status`: where an owner's consent stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ConsentStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "GIVEN")]
    Given,
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

/// `consent.authority`: under what authority a consent was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ConsentAuthority {
    /// The party itself: the owner or tenant, or the organisation's administration.
    #[sea_orm(string_value = "PARTY")]
    Party,
    /// A parent of an owner who is a minor.
    #[sea_orm(string_value = "PARENT")]
    Parent,
    /// A guardian of a minor or of a person recognised incapacitated.
    #[sea_orm(string_value = "GUARDIAN")]
    Guardian,
    /// A trustee of a person of limited capacity.
    #[sea_orm(string_value = "TRUSTEE")]
    Trustee,
    /// An attorney under a notarised power of attorney.
    #[sea_orm(string_value = "POWER_OF_ATTORNEY")]
    PowerOfAttorney,
}

/// `legal_representative.basis`: why the registry names someone a person's legal
/// representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RepresentationBasis {
    /// A parent (of a minor).
    #[sea_orm(string_value = "PARENT")]
    Parent,
    /// A guardian (of a minor, or of a person recognised incapacitated by a court).
    #[sea_orm(string_value = "GUARDIAN")]
    Guardian,
    /// A trustee (of a person whose capacity a court limited).
    #[sea_orm(string_value = "TRUSTEE")]
    Trustee,
}

/// `application.refusal_reason`: why, within its ground, an application was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RefusalReason {
    #[sea_orm(string_value = "NO_PERSONAL_DATA_CONSENT")]
    NoPersonalDataConsent,
    #[sea_orm(string_value = "OWNER_NOT_CONFIRMED")]
    OwnerNotConfirmed,
    #[sea_orm(string_value = "CONSENT_DECLINED")]
    ConsentDeclined,
    #[sea_orm(string_value = "CONSENT_MISSING")]
    ConsentMissing,
    #[sea_orm(string_value = "NOT_IN_TENANTS_HOUSEHOLD")]
    NotInTenantsHousehold,
}

/// `signing_request.key_purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum KeyPurpose {
    #[sea_orm(string_value = "SIGN")]
    Sign,
    #[sea_orm(string_value = "AUTH")]
    Auth,
}

/// `evidence.kind`: what a content-addressed piece of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EvidenceKind {
    /// A CMS SignedData, DER.
    #[sea_orm(string_value = "CMS")]
    Cms,
    /// The exact bytes that were signed.
    #[sea_orm(string_value = "SIGNED_CONTENT")]
    SignedContent,
    /// A CRL the verification relied on, DER.
    #[sea_orm(string_value = "CRL")]
    Crl,
    /// What a one-time-password signature relied on, sealed by the service (JSON: the sealed
    /// bytes in base64 and the seal).
    #[sea_orm(string_value = "OTP_SEAL")]
    OtpSeal,
    /// An OCSP response the verification relied on, DER (RFC 6960 `OCSPResponse`).
    #[sea_orm(string_value = "OCSP")]
    Ocsp,
    /// An RFC 3161 timestamp token of a signature, DER (a CMS `ContentInfo`): the one the
    /// signer's NCALayer added, or the service's own.
    #[sea_orm(string_value = "TIMESTAMP_TOKEN")]
    TimestampToken,
}

/// `session.auth_method` and `stored_signature.method`: how a person proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AuthMethod {
    /// A CMS made with an NCA RK key.
    #[sea_orm(string_value = "EDS")]
    Eds,
    /// A one-time password sent by SMS to the phone the citizens' mobile database confirms.
    #[sea_orm(string_value = "OTP")]
    Otp,
}

/// `application.channel`: where an application was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Channel {
    /// Online, through a frontend of the portal.
    #[sea_orm(string_value = "PORTAL")]
    Portal,
    /// At a front office of the State Corporation, by an officer for a citizen who is present.
    #[sea_orm(string_value = "FRONT_OFFICE")]
    FrontOffice,
}

/// `application.review_reason`: why an application waits for an officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ReviewReason {
    /// The property registry did not answer for the owner check.
    #[sea_orm(string_value = "REGISTRY_UNAVAILABLE")]
    RegistryUnavailable,
    /// A check could not run (a port down) or gave no clear answer.
    #[sea_orm(string_value = "CHECK_UNDETERMINED")]
    CheckUndetermined,
    /// A check failed: an officer decides (and refuses on a ground of the closed list).
    #[sea_orm(string_value = "CHECK_FAILED")]
    CheckFailed,
    /// The body reviews every application by hand.
    #[sea_orm(string_value = "MANUAL_REVIEW")]
    ManualReview,
}

/// `check_result.check`: what the service checks before deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum CheckKind {
    /// The property registry confirms the owner's (or tenant's, or the hostel's) right.
    #[sea_orm(string_value = "OWNER_CONFIRMED")]
    OwnerConfirmed,
    /// Every consent the application needs was given.
    #[sea_orm(string_value = "CONSENTS_GIVEN")]
    ConsentsGiven,
    /// The application meets the requirements (nothing missing).
    #[sea_orm(string_value = "REQUIREMENTS_MET")]
    RequirementsMet,
    /// The population registry knows the person to be registered, and a document the state
    /// issued identifies them (an identity card or passport; a minor's birth certificate).
    #[sea_orm(string_value = "IDENTITY_CONFIRMED")]
    IdentityConfirmed,
    /// The documents the state holds (a representative's authority) are confirmed by number;
    /// uploaded ones are looked at by an officer.
    #[sea_orm(string_value = "DOCUMENTS_CONFIRMED")]
    DocumentsConfirmed,
    /// The person is not already registered there in the same way.
    #[sea_orm(string_value = "NO_CONFLICTING_REGISTRATION")]
    NoConflictingRegistration,
}

/// `check_result.outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum CheckOutcome {
    #[sea_orm(string_value = "PASSED")]
    Passed,
    #[sea_orm(string_value = "FAILED")]
    Failed,
    /// It could not run (a port down) or gave no clear answer: an officer looks.
    #[sea_orm(string_value = "UNDETERMINED")]
    Undetermined,
}

/// `decision.outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DecisionOutcome {
    #[sea_orm(string_value = "APPROVE")]
    Approve,
    #[sea_orm(string_value = "REFUSE")]
    Refuse,
}

/// `registration.end_reason`: why a registration ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RegistrationEndReason {
    /// A new permanent registration replaced it (the same day).
    #[sea_orm(string_value = "REPLACED")]
    Replaced,
    /// A temporary registration's period ended.
    #[sea_orm(string_value = "PERIOD_ENDED")]
    PeriodEnded,
}

/// `state_document.kind`: which document the state issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum StateDocumentKind {
    /// The identity card of a citizen of the RK.
    #[sea_orm(string_value = "ID_CARD")]
    IdCard,
    /// The passport of a citizen of the RK.
    #[sea_orm(string_value = "PASSPORT")]
    Passport,
    /// A birth certificate, from the civil registry.
    #[sea_orm(string_value = "BIRTH_CERTIFICATE")]
    BirthCertificate,
}
