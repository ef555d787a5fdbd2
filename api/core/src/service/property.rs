//! Finding the dwelling an application names, in the property registry; and `propertyLookup`,
//! which lets a signed-in person check an address before filing, without becoming an oracle of
//! who owns what.

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{Area, Iin, Rka};
use crate::registries::{Property, PropertyKind};
use crate::service::InternalError;
use crate::service::applications::draft::AddressChoice;
use entities::{application, property_lookup};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use time::Duration;
use uuid::Uuid;

/// The object an address names: by RKA (with or without an owner IIN: the owner check, not
/// this, says whether that IIN holds it), or by owner IIN + area (the first, by RKA, when the
/// owner has several of the same area).
pub async fn find(
    ctx: &ServiceContext,
    address: &AddressChoice,
) -> Result<Option<Property>, InternalError> {
    let registry = &ctx.properties;
    Ok(match address {
        AddressChoice::ByRka(rka) => registry.find_by_rka(rka).await?,
        // DOMAIN: owner check by owner IIN + area of the real-estate object
        AddressChoice::ByOwner(iin, area) => registry
            .find_by_owner_and_area(iin, area)
            .await?
            .into_iter()
            .next(),
        // The object at the RKA: whether the IIN given holds it is the owner check's to say.
        AddressChoice::ByRkaAndOwner(rka, _) => registry.find_by_rka(rka).await?,
    })
}

/// Whether this person is an owner or a tenant of the object.
// DOMAIN: owner or tenant: in state or municipal rental housing the tenant consents
pub fn holds(property: &Property, iin: &str) -> bool {
    property.owners.iter().any(
        |o| matches!(&o.owner, crate::registries::Owner::Person(owner) if owner.as_str() == iin),
    ) || property.tenants.iter().any(|t| t.iin.as_str() == iin)
}

/// The address an application holds, if it holds a complete one.
pub fn address_of(draft: &application::Model) -> Option<AddressChoice> {
    if let Some(rka) = draft.address_rka.as_deref() {
        let rka = Rka::parse(rka).ok()?;
        return Some(match draft.address_owner_iin.as_deref() {
            Some(iin) => AddressChoice::ByRkaAndOwner(rka, Iin::parse(iin).ok()?),
            None => AddressChoice::ByRka(rka),
        });
    }
    let iin = Iin::parse(draft.address_owner_iin.as_deref()?).ok()?;
    let area = Area::from_hundredths(draft.address_area_hundredths?).ok()?;
    Some(AddressChoice::ByOwner(iin, area))
}

/// Whether each address is in the registry: two questions to the registry however many
/// addresses (one by RKA, one by owner and area), for a page of applications.
pub async fn addresses_exist(
    ctx: &ServiceContext,
    addresses: &[AddressChoice],
) -> Result<HashMap<AddressChoice, bool>, InternalError> {
    // By RKA and owner IIN, the address is the RKA's: whether that IIN owns it is the owner
    // check at submission (refused with `OWNER_NOT_CONFIRMED`, saying so), not a form error.
    let rkas: Vec<Rka> = addresses
        .iter()
        .filter_map(|a| match a {
            AddressChoice::ByRka(rka) | AddressChoice::ByRkaAndOwner(rka, _) => Some(rka.clone()),
            AddressChoice::ByOwner(..) => None,
        })
        .collect();
    let pairs: Vec<(Iin, Area)> = addresses
        .iter()
        .filter_map(|a| match a {
            AddressChoice::ByOwner(iin, area) => Some((iin.clone(), *area)),
            AddressChoice::ByRka(_) | AddressChoice::ByRkaAndOwner(..) => None,
        })
        .collect();
    let known_rkas = ctx.properties.known_rkas(&rkas).await?;
    let known_pairs = ctx.properties.known_owner_areas(&pairs).await?;
    Ok(addresses
        .iter()
        .map(|a| {
            let known = match a {
                AddressChoice::ByRka(rka) | AddressChoice::ByRkaAndOwner(rka, _) => {
                    known_rkas.contains(rka)
                }
                AddressChoice::ByOwner(iin, area) => known_pairs.contains(&(iin.clone(), *area)),
            };
            (a.clone(), known)
        })
        .collect())
}

/// What a lookup may tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupAnswer {
    /// Not in the registry.
    NotFound,
    /// Found, asked about another person's property: confirmed, and nothing more.
    Confirmed,
    /// Found by RKA, or the caller's own property: what the form needs to go on. How many
    /// owners it has is said only to one of them: a bare RKA reveals nothing about its owners.
    Found {
        kind: PropertyKind,
        owner_count: Option<usize>,
        has_administration: bool,
    },
}

/// Why a lookup was refused.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// Too many lookups in the last hour.
    #[error("too many property lookups: retry after {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u32 },
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for LookupError {
    fn from(error: sea_orm::DbErr) -> Self {
        LookupError::Internal(error.into())
    }
}

/// The rolling window of the lookup limit.
const LOOKUP_WINDOW: Duration = Duration::hours(1);

/// Looks an address up for a person, within their hourly limit (counted in the database, so it
/// holds across instances), recording the lookup in the audit table.
#[tracing::instrument(skip_all)]
pub async fn lookup(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    address: &AddressChoice,
) -> Result<LookupAnswer, LookupError> {
    let now = ctx.clock.now();
    let since = now - LOOKUP_WINDOW;
    let limit = ctx.settings.property_lookups_per_hour;
    let recent = property_lookup::Entity::find()
        .filter(property_lookup::Column::PersonId.eq(viewer.person_id))
        .filter(property_lookup::Column::At.gt(since));
    let count = recent.clone().count(&ctx.db).await?;
    if count >= u64::from(limit) {
        // The window frees a place when the oldest lookup in it is an hour old.
        let oldest = recent
            .order_by_asc(property_lookup::Column::At)
            .one(&ctx.db)
            .await?
            .map_or(now, |row| row.at);
        let wait = (oldest + LOOKUP_WINDOW - now).whole_seconds().max(1);
        return Err(LookupError::RateLimited {
            retry_after_seconds: u32::try_from(wait).unwrap_or(u32::MAX),
        });
    }
    // DOMAIN: owner check by owner IIN + RKA
    let found = find(ctx, address).await?.filter(|property| match address {
        AddressChoice::ByRkaAndOwner(_, iin) => holds(property, iin.as_str()),
        _ => true,
    });
    let (by_owner, owner) = match address {
        AddressChoice::ByRka(_) => (false, None),
        AddressChoice::ByOwner(iin, _) | AddressChoice::ByRkaAndOwner(_, iin) => (true, Some(iin)),
    };
    property_lookup::ActiveModel {
        id: Set(Uuid::new_v4()),
        person_id: Set(viewer.person_id),
        at: Set(now),
        by_owner: Set(by_owner),
        owner_iin_masked: Set(owner.map(Iin::masked)),
        found: Set(found.is_some()),
    }
    .insert(&ctx.db)
    .await?;
    tracing::info!(
        by_owner,
        owner = owner.map(Iin::masked).as_deref(),
        found = found.is_some(),
        "property lookup"
    );
    let someone_else = owner.is_some_and(|iin| iin.as_str() != viewer.iin);
    Ok(match found {
        None => LookupAnswer::NotFound,
        Some(_) if someone_else => LookupAnswer::Confirmed,
        Some(property) => {
            let owns = holds(&property, &viewer.iin);
            LookupAnswer::Found {
                kind: property.kind,
                owner_count: owns.then_some(property.owners.len()),
                has_administration: property.administration.is_some(),
            }
        }
    })
}
