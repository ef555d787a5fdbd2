//! The shipped registries: the local mirror tables that the import fills.

use std::collections::{HashMap, HashSet};

use entities::enums::RepresentationBasis as StoredBasis;
use entities::{
    legal_representative, organisation, person, population_registry_entry, power_of_attorney,
    real_estate_object, real_estate_owner, real_estate_tenant, state_document,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::{
    DocumentRegistry, LegalRepresentation, MobileDatabase, Organisation, Owner, Ownership,
    PopulationEntry, PopulationRegistry, PowerOfAttorney, Property, PropertyKind, PropertyRegistry,
    RegisteredPerson, RegistryError, RepresentationBasis, RepresentationRegistry, Share,
    StateDocument, StateDocumentKind, Tenant,
};
use crate::domain::{Area, Bin, Iin, PhoneNumber, Rka};

/// The property registry, the population registry and the citizens' mobile database, read from
/// the local mirror tables (`real_estate_object`, `real_estate_owner`, `person`).
#[derive(Debug, Clone)]
pub struct LocalRegistries {
    db: DatabaseConnection,
}

impl LocalRegistries {
    /// The registries mirrored in this database.
    #[must_use]
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait::async_trait]
impl PropertyRegistry for LocalRegistries {
    async fn find_by_rka(&self, rka: &Rka) -> Result<Option<Property>, RegistryError> {
        let object = real_estate_object::Entity::find()
            .filter(real_estate_object::Column::Rka.eq(rka.as_str()))
            .one(&self.db)
            .await?;
        let properties = with_owners(&self.db, object.into_iter().collect()).await?;
        Ok(properties.into_iter().next())
    }

    // DOMAIN: owner check by owner IIN + area of the real-estate object
    async fn find_by_owner_and_area(
        &self,
        owner: &Iin,
        area: &Area,
    ) -> Result<Vec<Property>, RegistryError> {
        // An owner's objects and a tenant's, in two questions: a join of both tables would
        // multiply rows.
        let mut ids: Vec<Uuid> = real_estate_owner::Entity::find()
            .filter(real_estate_owner::Column::OwnerIin.eq(owner.as_str()))
            .select_only()
            .column(real_estate_owner::Column::ObjectId)
            .into_tuple()
            .all(&self.db)
            .await?;
        ids.extend(
            real_estate_tenant::Entity::find()
                .filter(real_estate_tenant::Column::Iin.eq(owner.as_str()))
                .select_only()
                .column(real_estate_tenant::Column::ObjectId)
                .into_tuple::<Uuid>()
                .all(&self.db)
                .await?,
        );
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let objects = real_estate_object::Entity::find()
            .filter(real_estate_object::Column::Id.is_in(ids))
            // Exact integer comparison: the area is stored in hundredths, never as a float.
            .filter(real_estate_object::Column::AreaHundredths.eq(area.hundredths()))
            .order_by_asc(real_estate_object::Column::Rka)
            .all(&self.db)
            .await?;
        Ok(with_owners(&self.db, objects).await?)
    }

    async fn known_rkas(&self, rkas: &[Rka]) -> Result<HashSet<Rka>, RegistryError> {
        if rkas.is_empty() {
            return Ok(HashSet::new());
        }
        let found: Vec<String> = real_estate_object::Entity::find()
            .filter(real_estate_object::Column::Rka.is_in(rkas.iter().map(Rka::as_str)))
            .select_only()
            .column(real_estate_object::Column::Rka)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rkas
            .iter()
            .filter(|rka| found.iter().any(|f| f == rka.as_str()))
            .cloned()
            .collect())
    }

    async fn known_owner_areas(
        &self,
        pairs: &[(Iin, Area)],
    ) -> Result<HashSet<(Iin, Area)>, RegistryError> {
        if pairs.is_empty() {
            return Ok(HashSet::new());
        }
        let mut any = sea_orm::Condition::any();
        for (iin, area) in pairs {
            any = any.add(
                sea_orm::Condition::all()
                    .add(real_estate_owner::Column::OwnerIin.eq(iin.as_str()))
                    .add(real_estate_object::Column::AreaHundredths.eq(area.hundredths())),
            );
        }
        let mut found: Vec<(Option<String>, i64)> = real_estate_object::Entity::find()
            .inner_join(real_estate_owner::Entity)
            .filter(any)
            .select_only()
            .column(real_estate_owner::Column::OwnerIin)
            .column(real_estate_object::Column::AreaHundredths)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut tenants = sea_orm::Condition::any();
        for (iin, area) in pairs {
            tenants = tenants.add(
                sea_orm::Condition::all()
                    .add(real_estate_tenant::Column::Iin.eq(iin.as_str()))
                    .add(real_estate_object::Column::AreaHundredths.eq(area.hundredths())),
            );
        }
        found.extend(
            real_estate_object::Entity::find()
                .inner_join(real_estate_tenant::Entity)
                .filter(tenants)
                .select_only()
                .column(real_estate_tenant::Column::Iin)
                .column(real_estate_object::Column::AreaHundredths)
                .into_tuple::<(String, i64)>()
                .all(&self.db)
                .await?
                .into_iter()
                .map(|(iin, area)| (Some(iin), area)),
        );
        Ok(pairs
            .iter()
            .filter(|(iin, area)| {
                found
                    .iter()
                    .any(|(o, a)| o.as_deref() == Some(iin.as_str()) && *a == area.hundredths())
            })
            .cloned()
            .collect())
    }

    async fn organisation(&self, bin: &Bin) -> Result<Option<Organisation>, RegistryError> {
        let Some(row) = organisation::Entity::find_by_id(bin.as_str())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let consent_role_oids = serde_json::from_str(&row.consent_role_oids).map_err(|_| {
            DbErr::Custom(format!(
                "the registry mirror holds invalid consent role OIDs for organisation {}",
                row.bin
            ))
        })?;
        Ok(Some(Organisation {
            bin: bin.clone(),
            name: row.name,
            consent_role_oids,
        }))
    }
}

#[async_trait::async_trait]
impl RepresentationRegistry for LocalRegistries {
    async fn represented_by(
        &self,
        representative: &Iin,
    ) -> Result<Vec<LegalRepresentation>, RegistryError> {
        let rows = legal_representative::Entity::find()
            .filter(legal_representative::Column::RepresentativeIin.eq(representative.as_str()))
            .order_by_asc(legal_representative::Column::PrincipalIin)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(representation)
            .collect::<Result<_, DbErr>>()?)
    }

    async fn representatives_of(
        &self,
        principal: &Iin,
    ) -> Result<Vec<LegalRepresentation>, RegistryError> {
        let rows = legal_representative::Entity::find()
            .filter(legal_representative::Column::PrincipalIin.eq(principal.as_str()))
            .order_by_asc(legal_representative::Column::RepresentativeIin)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(representation)
            .collect::<Result<_, DbErr>>()?)
    }

    async fn powers_given_by(
        &self,
        principal: &Iin,
    ) -> Result<Vec<PowerOfAttorney>, RegistryError> {
        let rows = power_of_attorney::Entity::find()
            .filter(power_of_attorney::Column::PrincipalIin.eq(principal.as_str()))
            .order_by_desc(power_of_attorney::Column::IssuedOn)
            .order_by_asc(power_of_attorney::Column::Number)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(power).collect::<Result<_, DbErr>>()?)
    }

    async fn powers_held_by(&self, attorney: &Iin) -> Result<Vec<PowerOfAttorney>, RegistryError> {
        let rows = power_of_attorney::Entity::find()
            .filter(power_of_attorney::Column::AttorneyIin.eq(attorney.as_str()))
            .order_by_desc(power_of_attorney::Column::IssuedOn)
            .order_by_asc(power_of_attorney::Column::Number)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(power).collect::<Result<_, DbErr>>()?)
    }

    async fn power_of_attorney(
        &self,
        number: &str,
    ) -> Result<Option<PowerOfAttorney>, RegistryError> {
        let row = power_of_attorney::Entity::find()
            .filter(power_of_attorney::Column::Number.eq(number))
            .one(&self.db)
            .await?;
        Ok(row.map(power).transpose()?)
    }
}

#[async_trait::async_trait]
impl DocumentRegistry for LocalRegistries {
    async fn document(
        &self,
        kind: StateDocumentKind,
        number: &str,
    ) -> Result<Option<StateDocument>, RegistryError> {
        let row = state_document::Entity::find()
            .filter(state_document::Column::Kind.eq(entities::enums::StateDocumentKind::from(kind)))
            .filter(state_document::Column::Number.eq(number))
            .one(&self.db)
            .await?;
        Ok(row.map(state_document).transpose()?)
    }

    async fn documents_of(&self, holder: &Iin) -> Result<Vec<StateDocument>, RegistryError> {
        let rows = state_document::Entity::find()
            .filter(state_document::Column::HolderIin.eq(holder.as_str()))
            .order_by_desc(state_document::Column::IssuedOn)
            .order_by_asc(state_document::Column::Number)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(state_document)
            .collect::<Result<Vec<_>, _>>()?)
    }
}

fn state_document(row: state_document::Model) -> Result<StateDocument, DbErr> {
    let holder = Iin::parse(&row.holder_iin)
        .map_err(|_| invalid_stored("holder IIN", "state_document", row.id))?;
    Ok(StateDocument {
        kind: row.kind.into(),
        number: row.number,
        holder,
        issued_on: row.issued_on,
        valid_until: row.valid_until,
        invalidated_on: row.invalidated_on,
    })
}

fn representation(row: legal_representative::Model) -> Result<LegalRepresentation, DbErr> {
    let corrupt = |what: &str| invalid_stored(what, "legal_representative", row.id);
    Ok(LegalRepresentation {
        principal: Iin::parse(&row.principal_iin).map_err(|_| corrupt("principal IIN"))?,
        representative: Iin::parse(&row.representative_iin)
            .map_err(|_| corrupt("representative IIN"))?,
        basis: match row.basis {
            StoredBasis::Parent => RepresentationBasis::Parent,
            StoredBasis::Guardian => RepresentationBasis::Guardian,
            StoredBasis::Trustee => RepresentationBasis::Trustee,
        },
    })
}

fn power(row: power_of_attorney::Model) -> Result<PowerOfAttorney, DbErr> {
    let corrupt = |what: &str| invalid_stored(what, "power_of_attorney", row.id);
    Ok(PowerOfAttorney {
        principal: Iin::parse(&row.principal_iin).map_err(|_| corrupt("principal IIN"))?,
        attorney: Iin::parse(&row.attorney_iin).map_err(|_| corrupt("attorney IIN"))?,
        number: row.number,
        issued_on: row.issued_on,
        valid_until: row.valid_until,
        revoked_on: row.revoked_on,
    })
}

#[async_trait::async_trait]
impl PopulationRegistry for LocalRegistries {
    async fn find_person(&self, iin: &Iin) -> Result<Option<RegisteredPerson>, RegistryError> {
        let person = person::Entity::find()
            .filter(person::Column::Iin.eq(iin.as_str()))
            .one(&self.db)
            .await?;
        Ok(person.map(|person| RegisteredPerson {
            iin: iin.clone(),
            surname: person.surname,
            given_name: person.given_name,
            patronymic: person.patronymic,
        }))
    }

    async fn register(&self, entry: &PopulationEntry) -> Result<String, RegistryError> {
        use entities::enums::RegistrationKind;
        use sea_orm::sea_query::OnConflict;
        // The mirror's reference: derived from the application, so a retry gives the same.
        let reference = format!("PR-{}", entry.application_id.simple());
        population_registry_entry::Entity::insert(population_registry_entry::ActiveModel {
            application_id: sea_orm::Set(entry.application_id),
            iin: sea_orm::Set(entry.iin.as_str().to_owned()),
            kind: sea_orm::Set(if entry.temporary {
                RegistrationKind::Temporary
            } else {
                RegistrationKind::Permanent
            }),
            address_rka: sea_orm::Set(entry.rka.as_str().to_owned()),
            reference: sea_orm::Set(reference),
            registered_at: sea_orm::Set(entry.at),
        })
        .on_conflict(
            OnConflict::column(population_registry_entry::Column::ApplicationId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        let stored = population_registry_entry::Entity::find_by_id(entry.application_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| {
                DbErr::RecordNotFound(format!(
                    "the population registry entry of application {}",
                    entry.application_id
                ))
            })?;
        Ok(stored.reference)
    }
}

#[async_trait::async_trait]
impl MobileDatabase for LocalRegistries {
    // DOMAIN: OTP signing requires the phone to be in the citizens' mobile database
    async fn phone_of(&self, iin: &Iin) -> Result<Option<PhoneNumber>, RegistryError> {
        let phone = person::Entity::find()
            .filter(person::Column::Iin.eq(iin.as_str()))
            .select_only()
            .column(person::Column::Phone)
            .into_tuple::<Option<String>>()
            .one(&self.db)
            .await?
            .flatten();
        Ok(phone.and_then(|phone| match PhoneNumber::parse(&phone) {
            Ok(phone) => Some(phone),
            Err(error) => {
                // Only the importer writes phones, and it parses them; a stored number that no
                // longer parses fell out of the mobile ranges since. The citizen then has no
                // usable number (they can still sign with EDS), which is not a server fault.
                tracing::warn!(iin = %iin.masked(), %error, "stored phone number is not usable");
                None
            }
        }))
    }

    async fn confirms(&self, iin: &Iin, phone: &PhoneNumber) -> Result<bool, RegistryError> {
        // The mirror keeps the mobile database's number on the person's row: it confirms the
        // pair when that row has exactly this number.
        Ok(self.phone_of(iin).await?.as_ref() == Some(phone))
    }
}

/// The objects with their owners, in the objects' order.
///
/// # Errors
///
/// A database error, or [`DbErr::Custom`] when a stored value does not parse: only the importer
/// writes these tables, after validating every value, so that means the data was changed behind
/// its back and must not be trusted for an ownership decision.
async fn with_owners(
    db: &impl ConnectionTrait,
    objects: Vec<real_estate_object::Model>,
) -> Result<Vec<Property>, DbErr> {
    if objects.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = objects.iter().map(|object| object.id).collect();
    let mut owners: HashMap<Uuid, Vec<Ownership>> = HashMap::new();
    for row in real_estate_owner::Entity::find()
        .filter(real_estate_owner::Column::ObjectId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        let ownership = ownership(&row)?;
        owners.entry(row.object_id).or_default().push(ownership);
    }
    let mut tenants: HashMap<Uuid, Vec<Tenant>> = HashMap::new();
    for row in real_estate_tenant::Entity::find()
        .filter(real_estate_tenant::Column::ObjectId.is_in(ids))
        .order_by_asc(real_estate_tenant::Column::Iin)
        .all(db)
        .await?
    {
        let tenant = tenant(&row)?;
        tenants.entry(row.object_id).or_default().push(tenant);
    }
    objects
        .into_iter()
        .map(|object| {
            let mut owners = owners.remove(&object.id).unwrap_or_default();
            owners.sort_by(|a, b| owner_order(&a.owner).cmp(&owner_order(&b.owner)));
            let tenants = tenants.remove(&object.id).unwrap_or_default();
            property(object, owners, tenants)
        })
        .collect()
}

/// Persons first, then organisations, each by number: a stable order for the API and tests.
fn owner_order(owner: &Owner) -> (u8, &str) {
    match owner {
        Owner::Person(iin) => (0, iin.as_str()),
        Owner::Organisation(bin) => (1, bin.as_str()),
    }
}

fn property(
    object: real_estate_object::Model,
    owners: Vec<Ownership>,
    tenants: Vec<Tenant>,
) -> Result<Property, DbErr> {
    let id = object.id;
    let corrupt = |what: &str| invalid_stored(what, "real_estate_object", id);
    Ok(Property {
        id,
        rka: Rka::parse(&object.rka).map_err(|_| corrupt("RKA"))?,
        address: object.address,
        area: Area::from_hundredths(object.area_hundredths).map_err(|_| corrupt("area"))?,
        kind: PropertyKind::parse(&object.kind).ok_or_else(|| corrupt("kind"))?,
        administration: object
            .administration_bin
            .as_deref()
            .map(Bin::parse)
            .transpose()
            .map_err(|_| corrupt("administration BIN"))?,
        owners,
        tenants,
    })
}

fn tenant(row: &real_estate_tenant::Model) -> Result<Tenant, DbErr> {
    let corrupt = |what: &str| invalid_stored(what, "real_estate_tenant", row.id);
    let household: Vec<String> =
        serde_json::from_str(&row.household).map_err(|_| corrupt("household"))?;
    Ok(Tenant {
        iin: Iin::parse(&row.iin).map_err(|_| corrupt("IIN"))?,
        household: household
            .iter()
            .map(|iin| Iin::parse(iin).map_err(|_| corrupt("household IIN")))
            .collect::<Result<_, _>>()?,
    })
}

fn ownership(row: &real_estate_owner::Model) -> Result<Ownership, DbErr> {
    let corrupt = |what: &str| invalid_stored(what, "real_estate_owner", row.id);
    let owner = match (&row.owner_iin, &row.owner_bin) {
        (Some(iin), None) => Owner::Person(Iin::parse(iin).map_err(|_| corrupt("IIN"))?),
        (None, Some(bin)) => Owner::Organisation(Bin::parse(bin).map_err(|_| corrupt("BIN"))?),
        _ => return Err(corrupt("owner (exactly one of IIN and BIN must be set)")),
    };
    let share = Share::from_stored(row.share_numerator, row.share_denominator)
        .map_err(|_| corrupt("share"))?;
    Ok(Ownership { owner, share })
}

/// The error for a stored value that does not parse. It names the row, never the value, which
/// may be personal data.
fn invalid_stored(what: &str, table: &str, id: Uuid) -> DbErr {
    DbErr::Custom(format!(
        "the registry mirror holds an invalid {what} in {table} {id}"
    ))
}
