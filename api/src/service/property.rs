//! Finding the dwelling an application names, in the property registry.

use crate::domain::{Area, Iin, Rka};
use crate::registries::{LocalRegistries, Property, PropertyRegistry};
use crate::service::applications::draft::AddressChoice;
use entities::application;
use sea_orm::{DatabaseConnection, DbErr};

/// The object at an address given by RKA, or by owner IIN + area (the first, by RKA, when the
/// owner has several of the same area).
pub async fn find(
    db: &DatabaseConnection,
    address: &AddressChoice,
) -> Result<Option<Property>, DbErr> {
    let registry = LocalRegistries::new(db.clone());
    match address {
        AddressChoice::ByRka(rka) => registry.find_by_rka(rka).await,
        // DOMAIN: owner check by owner IIN + area of the real-estate object
        AddressChoice::ByOwner(iin, area) => Ok(registry
            .find_by_owner_and_area(iin, area)
            .await?
            .into_iter()
            .next()),
    }
}

/// The address an application holds, if it holds a complete one.
pub fn address_of(draft: &application::Model) -> Option<AddressChoice> {
    if let Some(rka) = draft.address_rka.as_deref() {
        return Rka::parse(rka).ok().map(AddressChoice::ByRka);
    }
    let iin = Iin::parse(draft.address_owner_iin.as_deref()?).ok()?;
    let area = Area::from_hundredths(draft.address_area_hundredths?).ok()?;
    Some(AddressChoice::ByOwner(iin, area))
}

/// Whether an application's address is in the registry (`None` when it gives none).
pub async fn address_exists(
    db: &DatabaseConnection,
    draft: &application::Model,
) -> Result<Option<bool>, DbErr> {
    match address_of(draft) {
        None => Ok(None),
        Some(address) => Ok(Some(find(db, &address).await?.is_some())),
    }
}
