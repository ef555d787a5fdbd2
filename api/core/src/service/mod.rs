//! The workflows: one module per operation family. Each operation runs its writes in one
//! database transaction and returns its own error enum in domain terms; expected refusals are
//! variants of it, and everything unexpected is an [`InternalError`] with its cause chain.
//!
//! # Lock order
//!
//! Every operation that writes several rows takes their locks in this order, so that no two
//! operations can deadlock on PostgreSQL (SQLite serialises writers anyway):
//!
//! 1. the subject: the application row (`SELECT … FOR UPDATE`, or the versioned `UPDATE`);
//! 2. its signing requests (consumed or voided);
//! 3. rows that only ever get inserted (signatures, evidence, history).
//!
//! `submitApplication` locks the application before it consumes the signing request, as
//! `updateApplication` and `withdrawApplication` write the application before they void its
//! signing requests.
//! `uploadDocument` and `deleteDocument` lock the application, write the document's row, then
//! move the application's version and void its signing requests.

pub mod admin;
pub mod appeals;
pub mod applications;
pub mod certificates;
pub mod consents;
pub mod documents;
pub mod events;
pub mod feed;
pub mod front_office;
pub mod keyset;
pub mod maintenance;
pub mod notifications;
pub mod otp;
pub mod property;
pub mod representation;
pub mod reverify;
pub mod review;
pub mod sign_in;
pub mod signing;
pub mod submission;
pub mod timestamping;

/// A failure that is not the caller's: the database, a registry, or the system's randomness.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    /// The database failed.
    #[error("database")]
    Database(#[from] sea_orm::DbErr),
    /// A registry failed.
    #[error("registry")]
    Registry(#[from] crate::registries::RegistryError),
    /// The operating system's random generator failed.
    #[error("random generator failed")]
    Random,
}

impl From<ring::error::Unspecified> for InternalError {
    fn from(_: ring::error::Unspecified) -> Self {
        InternalError::Random
    }
}

impl InternalError {
    /// The error and every source, for one log line.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn hex_sha256(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A person's name as documents write it: surname, given name, patronymic (those known).
pub fn full_name(person: &entities::person::Model) -> String {
    [
        person.surname.as_deref(),
        person.given_name.as_deref(),
        person.patronymic.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}
