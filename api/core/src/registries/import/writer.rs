//! Writing validated rows into the mirror in one transaction: a person by IIN and a property
//! by RKA, each created, updated or left alone when it already matches the file.

use entities::{person, real_estate_object, real_estate_owner};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::report::ImportReport;
use super::validation::{PersonRow, PropertyRow, Row};
use crate::registries::{Owner, Ownership};

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
        match row {
            Row::Person(person) => match write_person(&txn, person, now).await? {
                Outcome::Created => report.persons_created += 1,
                Outcome::Updated => report.persons_updated += 1,
                Outcome::Unchanged => report.persons_unchanged += 1,
            },
            Row::Property(property) => match write_property(&txn, property, now).await? {
                Outcome::Created => report.properties_created += 1,
                Outcome::Updated => report.properties_updated += 1,
                Outcome::Unchanged => report.properties_unchanged += 1,
            },
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

async fn write_person(
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
            let unchanged = existing.address == row.address
                && existing.area_hundredths == row.area.hundredths()
                && existing.kind == row.kind.as_str()
                && existing.administration_bin == administration_bin
                && current == owners;
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
    Ok(outcome)
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
