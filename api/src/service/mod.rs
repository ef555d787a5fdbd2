//! The service layer: what the GraphQL resolvers call. Each operation runs its writes in one
//! database transaction and returns expected refusals as values, not errors.

pub mod admin;
pub mod applications;
pub mod import;
pub mod property;
pub mod sign_in;
pub mod submission;

/// A failure that is not the caller's: the database or the system's randomness.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The operating system's random generator failed.
    #[error("random generator failed")]
    Random,
}

impl From<ring::error::Unspecified> for ServiceError {
    fn from(_: ring::error::Unspecified) -> Self {
        ServiceError::Random
    }
}
