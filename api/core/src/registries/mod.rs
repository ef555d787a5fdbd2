//! The external registries the service consults, behind traits: the property registry (who owns
//! which dwelling), the population registry (who a person is), the documents the state issued
//! (identity documents, birth certificates), the representation registries and the citizens'
//! mobile database (which phone receives one-time passwords).
//!
//! The shipped implementation, [`LocalRegistries`], reads local tables that
//! [`crate::registries::import`] loads from a file: the real registries are reached through
//! government integration channels this project has no access to, and the service must run
//! (and be tested) without them. Code that consults a registry takes the trait, so a real
//! client can replace the mirror without touching it.
//!
//! The traits are object-safe (`async-trait`), so the service context holds them as
//! `Arc<dyn …>` and a test or a real client can stand in for the mirror. Each answers with its
//! own [`RegistryError`]: a registry that does not answer is not a database bug of ours.

mod documents;
pub mod import;
mod local;
mod property;
mod representation;

use async_trait::async_trait;
use std::collections::HashSet;

use crate::domain::{Area, Bin, Iin, PhoneNumber, Rka};

/// A registry did not answer, or answered with data that cannot be trusted.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The registry (or its local mirror) failed.
    #[error("registry unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<sea_orm::DbErr> for RegistryError {
    fn from(error: sea_orm::DbErr) -> Self {
        RegistryError::Unavailable(Box::new(error))
    }
}

pub use documents::{DocumentMismatch, StateDocument, StateDocumentKind, mask_document_number};
pub use local::LocalRegistries;
pub use property::{
    Organisation, Owner, Ownership, Property, PropertyKind, RegisteredPerson, Share, ShareError,
    Tenant,
};
pub use representation::{LegalRepresentation, PowerOfAttorney, RepresentationBasis};

/// The property registry: real-estate objects and their owners.
#[async_trait]
pub trait PropertyRegistry: Send + Sync + std::fmt::Debug {
    /// The object with this address registration code, with its owners, if the registry has it.
    async fn find_by_rka(&self, rka: &Rka) -> Result<Option<Property>, RegistryError>;

    /// The objects of exactly this area of which this person is an owner (or co-owner) or a
    /// tenant, with all their owners and tenants, ordered by RKA. Usually one; a person may own
    /// two dwellings of the same area.
    // DOMAIN: owner check by owner IIN + area of the real-estate object
    async fn find_by_owner_and_area(
        &self,
        owner: &Iin,
        area: &Area,
    ) -> Result<Vec<Property>, RegistryError>;

    /// Which of these address registration codes the registry has: one question for a whole
    /// page of applications.
    async fn known_rkas(&self, rkas: &[Rka]) -> Result<HashSet<Rka>, RegistryError>;

    /// Which of these (owner or tenant, area) pairs the registry has an object for.
    // DOMAIN: owner check by owner IIN + area of the real-estate object
    async fn known_owner_areas(
        &self,
        pairs: &[(Iin, Area)],
    ) -> Result<HashSet<(Iin, Area)>, RegistryError>;

    /// The organisation with this BIN, if its administration consents for a building it runs.
    // DOMAIN: organisation administration replaces the owner's consent
    async fn organisation(&self, bin: &Bin) -> Result<Option<Organisation>, RegistryError>;
}

/// Who may act for a person: the civil registry's legal representatives and the notaries'
/// registry of powers of attorney.
#[async_trait]
pub trait RepresentationRegistry: Send + Sync + std::fmt::Debug {
    /// The persons this person legally represents, with the basis of each.
    async fn represented_by(
        &self,
        representative: &Iin,
    ) -> Result<Vec<LegalRepresentation>, RegistryError>;

    /// This person's legal representatives, with the basis of each.
    async fn representatives_of(
        &self,
        principal: &Iin,
    ) -> Result<Vec<LegalRepresentation>, RegistryError>;

    /// The powers of attorney this person gave (valid or not), newest first.
    async fn powers_given_by(&self, principal: &Iin)
    -> Result<Vec<PowerOfAttorney>, RegistryError>;

    /// The powers of attorney this person holds as attorney (valid or not), newest first.
    async fn powers_held_by(&self, attorney: &Iin) -> Result<Vec<PowerOfAttorney>, RegistryError>;

    /// The power of attorney with this number, if the notaries' registry has it.
    async fn power_of_attorney(
        &self,
        number: &str,
    ) -> Result<Option<PowerOfAttorney>, RegistryError>;
}

/// The documents the state issued to persons (identity cards, passports: the population
/// registry's; birth certificates: the civil registry's), by number or by holder.
#[async_trait]
pub trait DocumentRegistry: Send + Sync + std::fmt::Debug {
    /// The document of this kind and number (upper case, as printed), if the state issued it.
    // DOMAIN: documents the state holds are checked by number, not uploaded
    async fn document(
        &self,
        kind: StateDocumentKind,
        number: &str,
    ) -> Result<Option<StateDocument>, RegistryError>;

    /// Every document issued to this person (valid or not), newest first.
    async fn documents_of(&self, holder: &Iin) -> Result<Vec<StateDocument>, RegistryError>;
}

/// The population registry: natural persons by IIN, and their registrations.
#[async_trait]
pub trait PopulationRegistry: Send + Sync + std::fmt::Debug {
    /// The person with this IIN, if the registry knows them.
    async fn find_person(&self, iin: &Iin) -> Result<Option<RegisteredPerson>, RegistryError>;

    /// Enters a registration and gives the registry's reference for it. Idempotent by
    /// application: asking again for the same application (a retry after a lost answer) gives
    /// the same reference and enters nothing more.
    // DOMAIN: the result is an entry in the population registry
    async fn register(&self, entry: &PopulationEntry) -> Result<String, RegistryError>;
}

/// A registration to enter in the population registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationEntry {
    /// The application it results from: the key that makes entering it idempotent.
    pub application_id: uuid::Uuid,
    /// The person registered.
    pub iin: Iin,
    /// Temporary (the address of stay) rather than permanent (the address of residence).
    pub temporary: bool,
    pub rka: Rka,
    pub at: time::OffsetDateTime,
}

/// The citizens' mobile database: the phone number a citizen registered for SMS services.
#[async_trait]
pub trait MobileDatabase: Send + Sync + std::fmt::Debug {
    /// The mobile number registered for this IIN, if any.
    // DOMAIN: OTP signing requires the phone to be in the citizens' mobile database
    async fn phone_of(&self, iin: &Iin) -> Result<Option<PhoneNumber>, RegistryError>;

    /// Whether the citizens' mobile database (BMG) confirms that this phone is registered to
    /// this person: the one question a one-time password needs answered before it is sent to
    /// the phone in the person's profile.
    // DOMAIN: OTP signing requires the phone to be in the citizens' mobile database
    async fn confirms(&self, iin: &Iin, phone: &PhoneNumber) -> Result<bool, RegistryError>;
}
