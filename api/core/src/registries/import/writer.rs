//! Writing validated rows into the mirror in one transaction: a person by IIN (with their legal
//! representatives), a property by RKA (with its owners and tenants), an organisation by BIN
//! a power of attorney by number and a document the state issued by kind and number, each
//! created, updated or left alone when it already matches the file.

use entities::enums::RepresentationBasis as StoredBasis;
use entities::{
    legal_representative, organisation, person, power_of_attorney, real_estate_object,
    real_estate_owner, real_estate_tenant, state_document,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::report::ImportReport;
use super::validation::{PersonRow, PropertyRow, Row};
use crate::domain::Iin;
use crate::registries::{
    LegalRepresentation, Organisation, Owner, Ownership, PowerOfAttorney, RepresentationBasis,
    StateDocument, Tenant,
};

/// Writes every row in one transaction and counts what happened to each; on a database error
/// the transaction is rolled back (dropped uncommitted), so nothing was written.
pub(super) async fn write(
    db: &DatabaseConnection,
    rows: &[Row],
    now: OffsetDateTime,
) -> Result<ImportReport, DbErr> {
    let txn = db.begin().await?;
    let mut report = ImportReport::default();
    for row in rows {
        let (outcome, created, updated, unchanged) = match row {
            Row::Person(person) => (
                write_person(&txn, person, now).await?,
                &mut report.persons_created,
                &mut report.persons_updated,
                &mut report.persons_unchanged,
            ),
            Row::Property(property) => (
                write_property(&txn, property, now).await?,
                &mut report.properties_created,
                &mut report.properties_updated,
                &mut report.properties_unchanged,
            ),
            Row::Organisation(organisation) => (
                write_organisation(&txn, organisation).await?,
                &mut report.organisations_created,
                &mut report.organisations_updated,
                &mut report.organisations_unchanged,
            ),
            Row::PowerOfAttorney(power) => (
                write_power_of_attorney(&txn, power).await?,
                &mut report.powers_of_attorney_created,
                &mut report.powers_of_attorney_updated,
                &mut report.powers_of_attorney_unchanged,
            ),
            Row::Document(document) => (
                write_document(&txn, document).await?,
                &mut report.documents_created,
                &mut report.documents_updated,
                &mut report.documents_unchanged,
            ),
        };
        match outcome {
            Outcome::Created => *created += 1,
            Outcome::Updated => *updated += 1,
            Outcome::Unchanged => *unchanged += 1,
        }
    }
    txn.commit().await?;
    Ok(report)
}

/// What happened to one row.
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// A JSON array of strings, as the mirror stores lists (a household, consent roles).
fn json_array(items: &[String]) -> Result<String, DbErr> {
    serde_json::to_string(items)
        .map_err(|error| DbErr::Custom(format!("a list cannot be written as JSON: {error}")))
}

/// A list the mirror stores as a JSON array, sorted; `None` if it is not one (then the file's
/// list replaces it).
fn stored_list(json: &str) -> Option<Vec<String>> {
    let mut list: Vec<String> = serde_json::from_str(json).ok()?;
    list.sort();
    Some(list)
}

async fn write_person(
    txn: &DatabaseTransaction,
    row: &PersonRow,
    now: OffsetDateTime,
) -> Result<Outcome, DbErr> {
    let outcome = write_person_data(txn, row, now).await?;
    let representatives_changed =
        write_representatives(txn, &row.iin, &row.legal_representatives).await?;
    Ok(match outcome {
        Outcome::Unchanged if representatives_changed => Outcome::Updated,
        outcome => outcome,
    })
}

async fn write_person_data(
    txn: &DatabaseTransaction,
    row: &PersonRow,
    now: OffsetDateTime,
) -> Result<Outcome, DbErr> {
    let phone = row.phone.as_ref().map(|p| p.as_e164().to_owned());
    let existing = person::Entity::find()
        .filter(person::Column::Iin.eq(row.iin.as_str()))
        .one(txn)
        .await?;
    let Some(existing) = existing else {
        person::ActiveModel {
            id: Set(Uuid::new_v4()),
            iin: Set(row.iin.as_str().to_owned()),
            surname: Set(Some(row.surname.clone())),
            given_name: Set(Some(row.given_name.clone())),
            patronymic: Set(row.patronymic.clone()),
            phone: Set(phone),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        return Ok(Outcome::Created);
    };
    let unchanged = existing.surname.as_deref() == Some(row.surname.as_str())
        && existing.given_name.as_deref() == Some(row.given_name.as_str())
        && existing.patronymic == row.patronymic
        && existing.phone == phone;
    if unchanged {
        return Ok(Outcome::Unchanged);
    }
    // The registry is the authority on names and phone: its values replace what sign-in took
    // from a certificate, and a phone missing from the file is no longer in the mobile database.
    let mut model: person::ActiveModel = existing.into();
    model.surname = Set(Some(row.surname.clone()));
    model.given_name = Set(Some(row.given_name.clone()));
    model.patronymic = Set(row.patronymic.clone());
    model.phone = Set(phone);
    model.update(txn).await?;
    Ok(Outcome::Updated)
}

fn stored_basis(basis: RepresentationBasis) -> StoredBasis {
    match basis {
        RepresentationBasis::Parent => StoredBasis::Parent,
        RepresentationBasis::Guardian => StoredBasis::Guardian,
        RepresentationBasis::Trustee => StoredBasis::Trustee,
    }
}

/// A representative as stored (IIN, basis), in a canonical order.
type StoredRepresentative = (String, &'static str);

fn basis_identifier(basis: StoredBasis) -> &'static str {
    match basis {
        StoredBasis::Parent => RepresentationBasis::Parent.as_str(),
        StoredBasis::Guardian => RepresentationBasis::Guardian.as_str(),
        StoredBasis::Trustee => RepresentationBasis::Trustee.as_str(),
    }
}

/// Replaces the principal's legal representatives with the file's, unless they already match;
/// whether anything changed.
async fn write_representatives(
    txn: &DatabaseTransaction,
    principal: &Iin,
    representatives: &[LegalRepresentation],
) -> Result<bool, DbErr> {
    let mut wanted: Vec<StoredRepresentative> = representatives
        .iter()
        .map(|r| (r.representative.as_str().to_owned(), r.basis.as_str()))
        .collect();
    wanted.sort_unstable();
    let mut current: Vec<StoredRepresentative> = legal_representative::Entity::find()
        .filter(legal_representative::Column::PrincipalIin.eq(principal.as_str()))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.representative_iin, basis_identifier(r.basis)))
        .collect();
    current.sort_unstable();
    if current == wanted {
        return Ok(false);
    }
    // The civil registry describes a person's representatives completely: a guardian it no
    // longer lists has been relieved, and must not act for the person any more.
    legal_representative::Entity::delete_many()
        .filter(legal_representative::Column::PrincipalIin.eq(principal.as_str()))
        .exec(txn)
        .await?;
    for representative in representatives {
        legal_representative::ActiveModel {
            id: Set(Uuid::new_v4()),
            principal_iin: Set(principal.as_str().to_owned()),
            representative_iin: Set(representative.representative.as_str().to_owned()),
            basis: Set(stored_basis(representative.basis)),
        }
        .insert(txn)
        .await?;
    }
    Ok(true)
}

/// A tenant as stored (IIN, household IINs), households and tenants in a canonical order.
type StoredTenant = (String, Vec<String>);

fn stored_tenants(tenants: &[Tenant]) -> Vec<StoredTenant> {
    let mut stored: Vec<StoredTenant> = tenants
        .iter()
        .map(|tenant| {
            let mut household: Vec<String> = tenant
                .household
                .iter()
                .map(|iin| iin.as_str().to_owned())
                .collect();
            household.sort();
            (tenant.iin.as_str().to_owned(), household)
        })
        .collect();
    stored.sort();
    stored
}

/// An owner as stored, in a canonical order, to compare the file's owners with the mirror's.
type StoredOwner = (Option<String>, Option<String>, i32, i32);

fn stored_owners(owners: &[Ownership]) -> Vec<StoredOwner> {
    let mut stored: Vec<StoredOwner> = owners
        .iter()
        .map(|ownership| {
            let (numerator, denominator) = ownership.share.to_stored();
            match &ownership.owner {
                Owner::Person(iin) => (Some(iin.as_str().to_owned()), None, numerator, denominator),
                Owner::Organisation(bin) => {
                    (None, Some(bin.as_str().to_owned()), numerator, denominator)
                }
            }
        })
        .collect();
    stored.sort();
    stored
}

async fn write_property(
    txn: &DatabaseTransaction,
    row: &PropertyRow,
    now: OffsetDateTime,
) -> Result<Outcome, DbErr> {
    let owners = stored_owners(&row.owners);
    let tenants = stored_tenants(&row.tenants);
    let administration_bin = row.administration.as_ref().map(|b| b.as_str().to_owned());
    let existing = real_estate_object::Entity::find()
        .filter(real_estate_object::Column::Rka.eq(row.rka.as_str()))
        .one(txn)
        .await?;
    let (object_id, outcome) = match existing {
        None => {
            let id = Uuid::new_v4();
            real_estate_object::ActiveModel {
                id: Set(id),
                rka: Set(row.rka.as_str().to_owned()),
                address: Set(row.address.clone()),
                area_hundredths: Set(row.area.hundredths()),
                kind: Set(row.kind.as_str().to_owned()),
                administration_bin: Set(administration_bin),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            (id, Outcome::Created)
        }
        Some(existing) => {
            let mut current: Vec<StoredOwner> = real_estate_owner::Entity::find()
                .filter(real_estate_owner::Column::ObjectId.eq(existing.id))
                .all(txn)
                .await?
                .into_iter()
                .map(|o| {
                    (
                        o.owner_iin,
                        o.owner_bin,
                        o.share_numerator,
                        o.share_denominator,
                    )
                })
                .collect();
            current.sort();
            // A stored household that is not a JSON array of IINs is rewritten from the file.
            let mut current_tenants: Vec<Option<StoredTenant>> = real_estate_tenant::Entity::find()
                .filter(real_estate_tenant::Column::ObjectId.eq(existing.id))
                .all(txn)
                .await?
                .into_iter()
                .map(|t| stored_list(&t.household).map(|household| (t.iin, household)))
                .collect();
            current_tenants.sort();
            let unchanged = existing.address == row.address
                && existing.area_hundredths == row.area.hundredths()
                && existing.kind == row.kind.as_str()
                && existing.administration_bin == administration_bin
                && current == owners
                && current_tenants.len() == tenants.len()
                && current_tenants
                    .iter()
                    .zip(&tenants)
                    .all(|(stored, wanted)| stored.as_ref() == Some(wanted));
            if unchanged {
                return Ok(Outcome::Unchanged);
            }
            let id = existing.id;
            let mut model: real_estate_object::ActiveModel = existing.into();
            model.address = Set(row.address.clone());
            model.area_hundredths = Set(row.area.hundredths());
            model.kind = Set(row.kind.as_str().to_owned());
            model.administration_bin = Set(administration_bin);
            model.updated_at = Set(now);
            model.update(txn).await?;
            // The file describes the owners completely: whoever it no longer lists has sold
            // their share, and must not be asked for consent any more.
            real_estate_owner::Entity::delete_many()
                .filter(real_estate_owner::Column::ObjectId.eq(id))
                .exec(txn)
                .await?;
            // So does the lease: a tenant or household member it no longer names has moved out.
            real_estate_tenant::Entity::delete_many()
                .filter(real_estate_tenant::Column::ObjectId.eq(id))
                .exec(txn)
                .await?;
            (id, Outcome::Updated)
        }
    };
    for (owner_iin, owner_bin, share_numerator, share_denominator) in owners {
        real_estate_owner::ActiveModel {
            id: Set(Uuid::new_v4()),
            object_id: Set(object_id),
            owner_iin: Set(owner_iin),
            owner_bin: Set(owner_bin),
            share_numerator: Set(share_numerator),
            share_denominator: Set(share_denominator),
        }
        .insert(txn)
        .await?;
    }
    for (iin, household) in tenants {
        real_estate_tenant::ActiveModel {
            id: Set(Uuid::new_v4()),
            object_id: Set(object_id),
            iin: Set(iin),
            household: Set(json_array(&household)?),
        }
        .insert(txn)
        .await?;
    }
    Ok(outcome)
}

// DOMAIN: organisation administration replaces the owner's consent
async fn write_organisation(
    txn: &DatabaseTransaction,
    row: &Organisation,
) -> Result<Outcome, DbErr> {
    let consent_role_oids = json_array(&row.consent_role_oids)?;
    let existing = organisation::Entity::find_by_id(row.bin.as_str())
        .one(txn)
        .await?;
    let Some(existing) = existing else {
        organisation::ActiveModel {
            bin: Set(row.bin.as_str().to_owned()),
            name: Set(row.name.clone()),
            consent_role_oids: Set(consent_role_oids),
        }
        .insert(txn)
        .await?;
        return Ok(Outcome::Created);
    };
    let mut wanted_roles = row.consent_role_oids.clone();
    wanted_roles.sort();
    if existing.name == row.name && stored_list(&existing.consent_role_oids) == Some(wanted_roles) {
        return Ok(Outcome::Unchanged);
    }
    let mut model: organisation::ActiveModel = existing.into();
    model.name = Set(row.name.clone());
    model.consent_role_oids = Set(consent_role_oids);
    model.update(txn).await?;
    Ok(Outcome::Updated)
}

async fn write_power_of_attorney(
    txn: &DatabaseTransaction,
    row: &PowerOfAttorney,
) -> Result<Outcome, DbErr> {
    let existing = power_of_attorney::Entity::find()
        .filter(power_of_attorney::Column::Number.eq(row.number.as_str()))
        .one(txn)
        .await?;
    let Some(existing) = existing else {
        power_of_attorney::ActiveModel {
            id: Set(Uuid::new_v4()),
            number: Set(row.number.clone()),
            issued_on: Set(row.issued_on),
            valid_until: Set(row.valid_until),
            principal_iin: Set(row.principal.as_str().to_owned()),
            attorney_iin: Set(row.attorney.as_str().to_owned()),
            revoked_on: Set(row.revoked_on),
        }
        .insert(txn)
        .await?;
        return Ok(Outcome::Created);
    };
    let unchanged = existing.issued_on == row.issued_on
        && existing.valid_until == row.valid_until
        && existing.principal_iin == row.principal.as_str()
        && existing.attorney_iin == row.attorney.as_str()
        && existing.revoked_on == row.revoked_on;
    if unchanged {
        return Ok(Outcome::Unchanged);
    }
    // The notaries' registry is the authority: a revocation (or its correction) arrives here.
    let mut model: power_of_attorney::ActiveModel = existing.into();
    model.issued_on = Set(row.issued_on);
    model.valid_until = Set(row.valid_until);
    model.principal_iin = Set(row.principal.as_str().to_owned());
    model.attorney_iin = Set(row.attorney.as_str().to_owned());
    model.revoked_on = Set(row.revoked_on);
    model.update(txn).await?;
    Ok(Outcome::Updated)
}

// DOMAIN: documents the state holds are checked by number, not uploaded
async fn write_document(txn: &DatabaseTransaction, row: &StateDocument) -> Result<Outcome, DbErr> {
    let kind = entities::enums::StateDocumentKind::from(row.kind);
    let existing = state_document::Entity::find()
        .filter(state_document::Column::Kind.eq(kind))
        .filter(state_document::Column::Number.eq(row.number.as_str()))
        .one(txn)
        .await?;
    let Some(existing) = existing else {
        state_document::ActiveModel {
            id: Set(Uuid::new_v4()),
            kind: Set(kind),
            number: Set(row.number.clone()),
            holder_iin: Set(row.holder.as_str().to_owned()),
            issued_on: Set(row.issued_on),
            valid_until: Set(row.valid_until),
            invalidated_on: Set(row.invalidated_on),
        }
        .insert(txn)
        .await?;
        return Ok(Outcome::Created);
    };
    let unchanged = existing.holder_iin == row.holder.as_str()
        && existing.issued_on == row.issued_on
        && existing.valid_until == row.valid_until
        && existing.invalidated_on == row.invalidated_on;
    if unchanged {
        return Ok(Outcome::Unchanged);
    }
    // The issuing registry is the authority: an invalidation (a card declared lost), or the
    // correction of a holder or a date, arrives here.
    let mut model: state_document::ActiveModel = existing.into();
    model.holder_iin = Set(row.holder.as_str().to_owned());
    model.issued_on = Set(row.issued_on);
    model.valid_until = Set(row.valid_until);
    model.invalidated_on = Set(row.invalidated_on);
    model.update(txn).await?;
    Ok(Outcome::Updated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Bin, Iin};
    use crate::registries::Share;

    #[test]
    fn stored_owners_do_not_depend_on_the_order_of_the_file() {
        let person = Ownership {
            owner: Owner::Person(Iin::parse("871008401427").unwrap()),
            share: Share::parse("1/2").unwrap(),
        };
        let organisation = Ownership {
            owner: Owner::Organisation(Bin::parse("940140000385").unwrap()),
            share: Share::parse("2/4").unwrap(),
        };
        let stored = stored_owners(&[person.clone(), organisation.clone()]);
        assert_eq!(stored, stored_owners(&[organisation, person]));
        let (numerator, denominator) = Share::parse("1/2").unwrap().to_stored();
        assert!(stored.contains(&(
            Some("871008401427".to_owned()),
            None,
            numerator,
            denominator
        )));
    }
}
