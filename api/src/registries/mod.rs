//! The external registries the service consults, behind traits: the property registry (who owns
//! which dwelling), the population registry (who a person is) and the citizens' mobile database
//! (which phone receives one-time passwords).
//!
//! The shipped implementation, [`LocalRegistries`], reads local tables that
//! [`crate::service::import`] loads from a file: the real registries are reached through
//! government integration channels this project has no access to, and the service must run
//! (and be tested) without them. Code that consults a registry takes the trait, so a real
//! client can replace the mirror without touching it.
//!
//! The methods return `impl Future + Send` rather than being plain `async fn`s, so that callers
//! holding a generic registry can await them inside `Send` futures (actix and async-graphql
//! resolvers need that); implementations may still write `async fn`.

mod local;
mod property;

use std::future::Future;

use sea_orm::DbErr;

use crate::domain::{Area, Iin, PhoneNumber, Rka};

pub use local::LocalRegistries;
pub use property::{Owner, Ownership, Property, PropertyKind, RegisteredPerson, Share, ShareError};

/// The property registry: real-estate objects and their owners.
pub trait PropertyRegistry {
    /// The object with this address registration code, with its owners, if the registry has it.
    fn find_by_rka(
        &self,
        rka: &Rka,
    ) -> impl Future<Output = Result<Option<Property>, DbErr>> + Send;

    /// The objects of exactly this area of which this person is an owner (or co-owner), with all
    /// their owners, ordered by RKA. Usually one; a person may own two dwellings of the same area.
    // DOMAIN: owner check by owner IIN + area of the real-estate object
    fn find_by_owner_and_area(
        &self,
        owner: &Iin,
        area: &Area,
    ) -> impl Future<Output = Result<Vec<Property>, DbErr>> + Send;
}

/// The population registry: natural persons by IIN.
pub trait PopulationRegistry {
    /// The person with this IIN, if the registry knows them.
    fn find_person(
        &self,
        iin: &Iin,
    ) -> impl Future<Output = Result<Option<RegisteredPerson>, DbErr>> + Send;
}

/// The citizens' mobile database: the phone number a citizen registered for SMS services.
pub trait MobileDatabase {
    /// The mobile number registered for this IIN, if any.
    // DOMAIN: OTP signing requires the phone to be in the citizens' mobile database
    fn phone_of(
        &self,
        iin: &Iin,
    ) -> impl Future<Output = Result<Option<PhoneNumber>, DbErr>> + Send;
}
