//! Loading the registry mirror (persons and their legal representatives, real-estate objects
//! with their owners and tenants, the organisations whose administrations consent for their
//! hostels, notarised powers of attorney, the documents the state issued to persons) from a
//! JSON Lines file or a JSON array: the `registration-api import FILE` command and the demo
//! data set.
//!
//! # The file
//!
//! One JSON object per line; blank lines and lines starting with `//` are ignored. Five kinds of
//! row, told apart by `type`:
//!
//! ```text
//! {"type":"person","iin":"871008401427","surname":"СЕЙТОВА","givenName":"АЙГЕРІМ",
//!  "patronymic":"БОЛАТҚЫЗЫ","phone":"+77017234518","legalRepresentatives":[]}
//! {"type":"property","rka":"0201900148270042","address":"…","area":"54.30","kind":"APARTMENT",
//!  "administrationBin":null,"owners":[{"iin":"871008401427","share":"1/1"}],"tenants":[]}
//! {"type":"organisation","bin":"050740003216","name":"…",
//!  "consentRoleOids":["1.2.398.3.3.4.1.2.1","1.2.398.3.3.4.1.2.5"]}
//! {"type":"powerOfAttorney","number":"НТ-2026-004512","issuedOn":"2026-06-01",
//!  "validUntil":"2027-05-31","principalIin":"540302300122","attorneyIin":"850315300019",
//!  "revokedOn":null}
//! {"type":"document","kind":"ID_CARD","number":"048123456","holderIin":"871008401427",
//!  "issuedOn":"2019-03-12","validUntil":"2029-03-11","invalidatedOn":null}
//! ```
//!
//! (each row on one line in the file).
//!
//! - **person**: `patronymic`, `phone` and `legalRepresentatives` may be `null` or left out.
//!   `legalRepresentatives` lists the person's legal representatives as the civil registry
//!   records them, `{"iin":"…","basis":"PARENT"}` each, `basis` being `PARENT`, `GUARDIAN` or
//!   `TRUSTEE`; a representative is never the person, and is listed once. The list is the
//!   person's complete one: a row without it leaves the person with no legal representative.
//! - **property**: `kind` is `HOUSE`, `APARTMENT`, `DACHA` or `HOSTEL`; an owner has either
//!   `iin` (a person) or `bin` (an organisation), and a `share` written as a fraction; the
//!   shares add up to exactly 1. `administrationBin` (a HOSTEL's, and only a HOSTEL's) and
//!   `tenants` may be `null` or left out. `tenants` are the tenants of state or municipal
//!   rental housing, so a property may have them only when at least one owner is an
//!   organisation and it is not a HOSTEL: `{"iin":"…","household":["…"]}` each, a tenant listed
//!   once, `household` (may be left out) the other persons the lease names, each once and
//!   never the tenant. Like the owners, the tenants are the property's complete list. The area
//!   is a string, not a JSON number, because a binary float cannot hold most decimals exactly.
//! - **organisation**: the organisation whose administration consents for a hostel it runs
//!   (the `administrationBin` of a property). `consentRoleOids` are the roles of which its
//!   consenting key must hold one: `1.2.398.3.3.4.1.2.1` (the head), `1.2.398.3.3.4.1.2.2`
//!   (may sign for it), `1.2.398.3.3.4.1.2.5` (an employee), each at most once; left out (or
//!   `null`), all three.
//! - **powerOfAttorney**: a notarised power of attorney from the notaries' registry. `number`
//!   is 1 to 64 characters; the dates are written `YYYY-MM-DD`; `issuedOn` is not after
//!   `validUntil`, `revokedOn` (`null` or left out unless it was revoked) not before
//!   `issuedOn`; the principal and the attorney are different persons.
//! - **document**: a document the state issued to a person, which the service checks by number
//!   instead of asking for a copy. `kind` is `ID_CARD`, `PASSPORT` or `BIRTH_CERTIFICATE`;
//!   `number` is written as printed, series included: 1 to 32 characters, only letters (of any
//!   alphabet), digits, spaces, hyphens and `№` (`"I-АЛ № 0123456"`), stored upper-cased with
//!   runs of spaces made one. `holderIin` is the person it was issued to (a valid IIN; like a
//!   power of attorney's IINs, it need not have a person row). The dates are written
//!   `YYYY-MM-DD`: `validUntil`, the last day it is valid, is required for an `ID_CARD` or a
//!   `PASSPORT` and must be `null` or left out for a `BIRTH_CERTIFICATE` (valid for life), and is
//!   not before `issuedOn`; `invalidatedOn` (`null` or left out unless it was declared lost,
//!   replaced or withdrawn: from that day it is not valid) is not before `issuedOn`.
//!
//! Names, addresses, power-of-attorney and document numbers are free text: a control character
//! or a bidirectional override refuses the row. Each IIN, RKA, BIN and power-of-attorney number,
//! and each document kind and number, has at most one row of its kind in a file. The same rows may instead be the elements of one JSON
//! array, over as many lines as they like; a problem is then reported at the line its element
//! starts on.
//!
//! # All or nothing
//!
//! Every row is validated before anything is written. If any row is bad, the report lists every
//! problem with its line number and nothing at all is written, so a file is never half-loaded;
//! otherwise the whole file is written in one transaction.
//!
//! # Idempotent
//!
//! Persons are matched by IIN, properties by RKA, organisations by BIN, powers of attorney
//! by number and documents by kind and number: a known one is updated (a property's owners and tenants, and a person's legal
//! representatives, are replaced by the file's), a new one created, and one that already
//! matches the file is left alone, so importing the same file twice changes nothing the second
//! time.
//!
//! # The parts
//!
//! `reader` splits the text into records with their lines and parses each into a row as
//! written; `validation` checks every field and the rules across fields and rows; `writer`
//! writes the good rows in one transaction; `report` is what the caller gets back.

mod reader;
mod report;
mod validation;
mod writer;

use entities::real_estate_object;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use time::OffsetDateTime;

pub use report::{ImportError, ImportReport};

/// The demo data set: the demo PKI's people and a few properties (a flat with one owner, a
/// co-owned flat, a house with three co-owners, a hostel with an administration, a state rental
/// flat with a tenant, a house co-owned by a minor), the hostel's organisation, a power of
/// attorney, and the documents identifying every person (with an expired and a lost identity
/// card beside a valid one).
pub const DEMO_DATA: &str = include_str!("../../../../../demo/data.jsonl");

/// Validates the whole file and, if every row is good, writes it in one transaction.
///
/// Bad rows are not an `Err`: they are in the report, and then nothing was written.
///
/// # Errors
///
/// A database error; the transaction is rolled back, so nothing was written either.
pub async fn import(
    db: &DatabaseConnection,
    text: &str,
    now: OffsetDateTime,
) -> Result<ImportReport, DbErr> {
    let (rows, errors) = match reader::read(text) {
        Ok(records) => validation::validate(records),
        Err(error) => (Vec::new(), vec![error]),
    };
    if !errors.is_empty() {
        return Ok(ImportReport {
            errors,
            ..ImportReport::default()
        });
    }
    writer::write(db, &rows, now).await
}

/// Imports [`DEMO_DATA`] if the property mirror is empty (a fresh development database), and
/// returns its report; `None` if there was already data, which is then left alone.
///
/// A report with errors means the committed demo file is broken (a unit test guards it); the
/// caller should say so loudly, as nothing was loaded.
///
/// # Errors
///
/// A database error.
pub async fn load_demo_data_if_empty(
    db: &DatabaseConnection,
    now: OffsetDateTime,
) -> Result<Option<ImportReport>, DbErr> {
    let any = real_estate_object::Entity::find().one(db).await?;
    if any.is_some() {
        return Ok(None);
    }
    import(db, DEMO_DATA, now).await.map(Some)
}

#[cfg(test)]
mod tests {
    use entities::{
        legal_representative, organisation, person, power_of_attorney, real_estate_owner,
        real_estate_tenant, state_document,
    };
    use sea_orm::{ActiveModelTrait, PaginatorTrait, Set};
    use time::macros::date;
    use uuid::Uuid;

    use super::*;
    use crate::database;
    use crate::domain::{Area, Bin, Iin, PhoneNumber, Rka};
    use crate::registries::{
        DocumentRegistry, LegalRepresentation, LocalRegistries, MobileDatabase, Organisation,
        Owner, Ownership, PopulationRegistry, PowerOfAttorney, Property, PropertyKind,
        PropertyRegistry, RepresentationBasis, RepresentationRegistry, Share, StateDocument,
        StateDocumentKind, Tenant,
    };

    const NOW: OffsetDateTime = time::macros::datetime!(2026-11-25 10:00 UTC);

    /// A fresh in-memory database with every migration applied. `connect` gives SQLite one
    /// connection, which is what keeps one in-memory database for the whole test.
    async fn db() -> DatabaseConnection {
        let db = database::connect("sqlite::memory:").await.unwrap();
        database::migrate(&db).await.unwrap();
        db
    }

    async fn counts(db: &DatabaseConnection) -> (u64, u64, u64) {
        (
            person::Entity::find().count(db).await.unwrap(),
            real_estate_object::Entity::find().count(db).await.unwrap(),
            real_estate_owner::Entity::find().count(db).await.unwrap(),
        )
    }

    /// The rows of the new tables: tenants, organisations, legal representatives, powers of
    /// attorney.
    async fn other_counts(db: &DatabaseConnection) -> (u64, u64, u64, u64) {
        (
            real_estate_tenant::Entity::find().count(db).await.unwrap(),
            organisation::Entity::find().count(db).await.unwrap(),
            legal_representative::Entity::find()
                .count(db)
                .await
                .unwrap(),
            power_of_attorney::Entity::find().count(db).await.unwrap(),
        )
    }

    /// The rows of `state_document`.
    async fn document_count(db: &DatabaseConnection) -> u64 {
        state_document::Entity::find().count(db).await.unwrap()
    }

    fn iin(text: &str) -> Iin {
        Iin::parse(text).unwrap()
    }

    const AIGERIM: &str = "871008401427";
    const NURLAN: &str = "760212350620";
    const DANA: &str = "061211600012";
    const ERLAN: &str = "850315300019";
    const GULNAR: &str = "790514400122";
    const BOLAT: &str = "540302300122";
    /// The demo data's new rows: Erlan's wife, Nurlan and Gulnar's minor daughter, the
    /// hostel's operator, the akimat that lets the rental flat, and two properties.
    const MADINA: &str = "880422400230";
    const ALIYA: &str = "120914600121";
    const HOSTEL_BIN: &str = "050740003216";
    const AKIMAT_BIN: &str = "980340001477";
    const RENTAL_FLAT: &str = "0101100072450031";
    const MINORS_HOUSE: &str = "0101400118620004";
    const ROLE_HEAD: &str = "1.2.398.3.3.4.1.2.1";
    const ROLE_MAY_SIGN: &str = "1.2.398.3.3.4.1.2.2";
    const ROLE_EMPLOYEE: &str = "1.2.398.3.3.4.1.2.5";

    const GOOD: &str = r#"// persons
{"type":"person","iin":"871008401427","surname":"СЕЙТОВА","givenName":"АЙГЕРІМ","patronymic":"БОЛАТҚЫЗЫ","phone":"8 701 723 45 18"}

{"type":"person","iin":"760212350620","surname":"ОМАРОВ","givenName":"НҰРЛАН","patronymic":null,"phone":null}
{"type":"person","iin":"061211600012","surname":"ОМАРОВА","givenName":"ДАНА"}
{"type":"property","rka":"0201900148270042","address":"Алматы, пр. Абая, 150, кв. 42","area":"54,3","kind":"APARTMENT","administrationBin":null,"owners":[{"iin":"871008401427","share":"1/1"}]}
{"type":"property","rka":"0101200057310097","address":"Астана, ул. Сыганак, 18, кв. 97","area":"54.30","kind":"APARTMENT","owners":[{"iin":"871008401427","share":"1/2"},{"iin":"760212350620","share":"1/2"}]}
{"type":"property","rka":"0201800033100027","address":"Алматы, Кок-Тобе, Кыз-Жибек, 27","area":"164.25","kind":"HOUSE","owners":[{"iin":"760212350620","share":"1/2"},{"bin":"940140000385","share":"1/4"},{"iin":"061211600012","share":"1/4"}]}
{"type":"property","rka":"0101300211840015","address":"Астана, пр. Абылай хана, 9","area":"3120.50","kind":"HOSTEL","administrationBin":"940140000385","owners":[]}
"#;

    #[tokio::test]
    async fn a_good_file_is_imported_and_readable_through_the_registries() {
        let db = db().await;
        let report = import(&db, GOOD, NOW).await.unwrap();
        assert_eq!(
            report,
            ImportReport {
                persons_created: 3,
                properties_created: 4,
                ..ImportReport::default()
            }
        );
        assert_eq!(counts(&db).await, (3, 4, 6));
        assert_eq!(
            report.to_string(),
            "imported: persons 3 created, 0 updated, 0 unchanged; \
             properties 4 created, 0 updated, 0 unchanged; \
             organisations 0 created, 0 updated, 0 unchanged; \
             powers of attorney 0 created, 0 updated, 0 unchanged; \
             documents 0 created, 0 updated, 0 unchanged"
        );

        let registries = LocalRegistries::new(db.clone());
        let flat = registries
            .find_by_rka(&Rka::parse("0201900148270042").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(flat.area.to_string(), "54.30");
        assert_eq!(flat.kind, PropertyKind::Apartment);
        assert_eq!(flat.administration, None);
        assert!(flat.tenants.is_empty());
        assert_eq!(
            flat.owners,
            vec![Ownership {
                owner: Owner::Person(iin(AIGERIM)),
                share: Share::WHOLE
            }]
        );

        // Persons first by IIN, then organisations.
        let house = registries
            .find_by_rka(&Rka::parse("0201800033100027").unwrap())
            .await
            .unwrap()
            .unwrap();
        let owners: Vec<(Owner, String)> = house
            .owners
            .iter()
            .map(|o| (o.owner.clone(), o.share.to_string()))
            .collect();
        assert_eq!(
            owners,
            vec![
                (Owner::Person(iin(DANA)), "1/4".to_owned()),
                (Owner::Person(iin(NURLAN)), "1/2".to_owned()),
                (
                    Owner::Organisation(Bin::parse("940140000385").unwrap()),
                    "1/4".to_owned()
                ),
            ]
        );

        let hostel = registries
            .find_by_rka(&Rka::parse("0101300211840015").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(hostel.kind, PropertyKind::Hostel);
        assert_eq!(
            hostel.administration,
            Some(Bin::parse("940140000385").unwrap())
        );
        assert!(hostel.owners.is_empty());

        assert!(
            registries
                .find_by_rka(&Rka::parse("42").unwrap())
                .await
                .unwrap()
                .is_none()
        );

        // DOMAIN: owner check by owner IIN + area. Aigerim owns two objects of 54.30 m².
        let area = Area::parse("54.3").unwrap();
        let found: Vec<String> = registries
            .find_by_owner_and_area(&iin(AIGERIM), &area)
            .await
            .unwrap()
            .iter()
            .map(|p: &Property| p.rka.to_string())
            .collect();
        assert_eq!(found, ["0101200057310097", "0201900148270042"]);
        let co_owned = registries
            .find_by_owner_and_area(&iin(NURLAN), &area)
            .await
            .unwrap();
        assert_eq!(co_owned.len(), 1);
        assert_eq!(co_owned.first().unwrap().owners.len(), 2, "all co-owners");
        for (owner, area) in [(NURLAN, "54.29"), (NURLAN, "164.2"), (DANA, "54.30")] {
            assert!(
                registries
                    .find_by_owner_and_area(&iin(owner), &Area::parse(area).unwrap())
                    .await
                    .unwrap()
                    .is_empty(),
                "{area}"
            );
        }

        let aigerim = registries
            .find_person(&iin(AIGERIM))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(aigerim.surname.as_deref(), Some("СЕЙТОВА"));
        assert_eq!(aigerim.given_name.as_deref(), Some("АЙГЕРІМ"));
        assert_eq!(aigerim.patronymic.as_deref(), Some("БОЛАТҚЫЗЫ"));
        let dana = registries.find_person(&iin(DANA)).await.unwrap().unwrap();
        assert_eq!(dana.patronymic, None);
        assert!(
            registries
                .find_person(&iin("850315300019"))
                .await
                .unwrap()
                .is_none()
        );

        // The phone is stored in E.164 whatever the file's spelling.
        assert_eq!(
            registries
                .phone_of(&iin(AIGERIM))
                .await
                .unwrap()
                .map(|p| p.to_string()),
            Some("+77017234518".to_owned())
        );
        assert_eq!(registries.phone_of(&iin(NURLAN)).await.unwrap(), None);
        assert_eq!(
            registries.phone_of(&iin("850315300019")).await.unwrap(),
            None
        );

        // The mobile database confirms exactly the (IIN, phone) pairs it has.
        let phone = |p: &str| PhoneNumber::parse(p).unwrap();
        assert!(
            registries
                .confirms(&iin(AIGERIM), &phone("+77017234518"))
                .await
                .unwrap()
        );
        assert!(
            !registries
                .confirms(&iin(AIGERIM), &phone("+77019302245"))
                .await
                .unwrap()
        );
        assert!(
            !registries
                .confirms(&iin(NURLAN), &phone("+77017234518"))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn importing_twice_changes_nothing() {
        let db = db().await;
        import(&db, GOOD, NOW).await.unwrap();
        let before_objects = real_estate_object::Entity::find().all(&db).await.unwrap();
        let before_persons = person::Entity::find().all(&db).await.unwrap();

        let again = import(&db, GOOD, NOW).await.unwrap();
        assert_eq!(
            again,
            ImportReport {
                persons_unchanged: 3,
                properties_unchanged: 4,
                ..ImportReport::default()
            }
        );
        assert_eq!(counts(&db).await, (3, 4, 6), "no duplicates");
        // Not even the timestamps moved.
        assert_eq!(
            real_estate_object::Entity::find().all(&db).await.unwrap(),
            before_objects
        );
        assert_eq!(
            person::Entity::find().all(&db).await.unwrap(),
            before_persons
        );
    }

    #[tokio::test]
    async fn a_changed_row_updates_and_replaces_the_owners() {
        let db = db().await;
        import(&db, GOOD, NOW).await.unwrap();
        let changed = GOOD
            // Aigerim sold her half of the Sygynak flat to Dana, and changed phone.
            .replace(
                r#"[{"iin":"871008401427","share":"1/2"},{"iin":"760212350620","share":"1/2"}]"#,
                r#"[{"iin":"061211600012","share":"1/2"},{"iin":"760212350620","share":"1/2"}]"#,
            )
            .replace("8 701 723 45 18", "+77477234518");
        let report = import(&db, &changed, NOW).await.unwrap();
        assert_eq!(
            report,
            ImportReport {
                persons_updated: 1,
                persons_unchanged: 2,
                properties_updated: 1,
                properties_unchanged: 3,
                ..ImportReport::default()
            }
        );
        assert_eq!(counts(&db).await, (3, 4, 6));
        let registries = LocalRegistries::new(db.clone());
        let flat = registries
            .find_by_rka(&Rka::parse("0101200057310097").unwrap())
            .await
            .unwrap()
            .unwrap();
        let owners: Vec<Owner> = flat.owners.into_iter().map(|o| o.owner).collect();
        assert_eq!(
            owners,
            [Owner::Person(iin(DANA)), Owner::Person(iin(NURLAN))]
        );
        assert_eq!(
            registries
                .phone_of(&iin(AIGERIM))
                .await
                .unwrap()
                .map(|p| p.to_string()),
            Some("+77477234518".to_owned())
        );
    }

    #[tokio::test]
    async fn a_person_met_at_sign_in_is_updated_from_the_registry() {
        let db = db().await;
        let created_at = time::macros::datetime!(2026-11-25 10:00 UTC);
        let id = Uuid::new_v4();
        person::ActiveModel {
            id: Set(id),
            iin: Set(AIGERIM.to_owned()),
            surname: Set(Some("СЕЙТОВА".to_owned())),
            given_name: Set(None),
            patronymic: Set(None),
            phone: Set(None),
            created_at: Set(created_at),
        }
        .insert(&db)
        .await
        .unwrap();
        let report = import(&db, GOOD, NOW).await.unwrap();
        assert_eq!((report.persons_created, report.persons_updated), (2, 1));
        let aigerim = person::Entity::find_by_id(id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(aigerim.given_name.as_deref(), Some("АЙГЕРІМ"));
        assert_eq!(aigerim.phone.as_deref(), Some("+77017234518"));
    }

    /// Imports `text` into a fresh database, checks that nothing was written, and returns the
    /// errors as `(line, message)`.
    async fn refused(text: &str) -> Vec<(usize, String)> {
        let db = db().await;
        let report = import(&db, text, NOW).await.unwrap();
        assert!(!report.is_ok(), "{report}");
        assert_eq!(
            (
                report.persons_created,
                report.persons_updated,
                report.properties_created,
                report.properties_updated
            ),
            (0, 0, 0, 0)
        );
        assert_eq!(counts(&db).await, (0, 0, 0), "nothing written");
        assert_eq!(other_counts(&db).await, (0, 0, 0, 0), "nothing written");
        assert_eq!(document_count(&db).await, 0, "nothing written");
        assert_eq!(
            (
                report.organisations_created,
                report.powers_of_attorney_created,
                report.documents_created
            ),
            (0, 0, 0)
        );
        report
            .errors
            .into_iter()
            .map(|e| (e.line, e.message))
            .collect()
    }

    /// A good property row of `kind` with these owners and administration.
    fn property(rka: &str, kind: &str, administration: &str, owners: &str) -> String {
        format!(
            r#"{{"type":"property","rka":"{rka}","address":"Астана, пр. Абылай хана, 9","area":"120.00","kind":"{kind}","administrationBin":{administration},"owners":[{owners}]}}"#
        )
    }

    #[tokio::test]
    async fn every_bad_row_is_reported_with_its_line_and_nothing_is_written() {
        let person = |fields: &str| format!(r#"{{"type":"person",{fields}}}"#);
        let ok_names = r#""surname":"ОМАРОВ","givenName":"НҰРЛАН""#;
        let lines = [
            // 1: a good person, which must not be written either.
            person(&format!(r#""iin":"{NURLAN}",{ok_names}"#)),
            // 2
            "{not json".to_owned(),
            // 3
            r#"{"type":"castle","iin":"1"}"#.to_owned(),
            // 4: the invalid IIN of DOMAIN.md (check digit)
            person(&format!(r#""iin":"821214240092",{ok_names}"#)),
            // 5
            person(&format!(r#""iin":"12345",{ok_names}"#)),
            // 6: blank names, landline, empty patronymic: all four reported
            person(&format!(
                r#""iin":"{AIGERIM}","surname":" ","givenName":"","patronymic":"","phone":"+77272123456""#
            )),
            // 7: missing field
            person(&format!(r#""iin":"{DANA}","surname":"ОМАРОВА""#)),
            // 8: unknown field
            person(&format!(r#""iin":"{DANA}",{ok_names},"email":"x@y.kz""#)),
            // 9: the same person as line 1
            person(&format!(r#""iin":"{NURLAN}",{ok_names}"#)),
            // 10: a bad RKA, area, kind and address at once
            r#"{"type":"property","rka":"02-17","address":"","area":"54.301","kind":"FLAT","owners":[{"iin":"871008401427","share":"1/1"}]}"#.to_owned(),
            // 11: the area as a JSON number
            r#"{"type":"property","rka":"1","address":"a","area":54.3,"kind":"HOUSE","owners":[]}"#.to_owned(),
            // 12: owners: both iin and bin, neither, bad IIN, bad BIN, bad shares
            property(
                "12",
                "HOUSE",
                "null",
                &format!(
                    r#"{{"iin":"{AIGERIM}","bin":"940140000385","share":"1/4"}},{{"share":"1/4"}},{{"iin":"821214240092","share":"1/4"}},{{"bin":"940140000384","share":"1/4"}},{{"iin":"{DANA}","share":"0/4"}},{{"iin":"{NURLAN}","share":"5/4"}},{{"iin":"{NURLAN}","share":"half"}}"#
                ),
            ),
            // 13: the same owner twice
            property(
                "13",
                "HOUSE",
                "null",
                &format!(r#"{{"iin":"{AIGERIM}","share":"1/2"}},{{"iin":" {AIGERIM}","share":"1/2"}}"#),
            ),
            // 14: no owner
            property("14", "DACHA", "null", ""),
            // 15: a good property
            property("15", "HOUSE", "null", &format!(r#"{{"iin":"{AIGERIM}","share":"1/1"}}"#)),
            // 16: the same RKA as line 15
            property("15", "APARTMENT", "null", &format!(r#"{{"iin":"{DANA}","share":"1/1"}}"#)),
            // 17: a type that is not a string
            r#"[1,2]"#.to_owned(),
        ];
        let text = lines.join("\n");
        let errors = refused(&text).await;
        let expected: Vec<(usize, &str)> = vec![
            (2, "row: not valid JSON: key must be a string (column 2)"),
            (
                3,
                r#"row: its "type" must be "person", "property", "organisation", "powerOfAttorney" or "document""#,
            ),
            (
                4,
                "iin: the IIN is not valid: its check digit does not match",
            ),
            (5, "iin: the IIN must be exactly 12 digits"),
            (6, "surname: must not be blank"),
            (6, "givenName: must not be blank"),
            (
                6,
                "patronymic: must not be blank (use null when there is none)",
            ),
            (6, "phone: the phone number must be a mobile number"),
            (7, "row: missing field `givenName`"),
            (
                8,
                "row: unknown field `email`, expected one of `iin`, `surname`, `givenName`, `patronymic`, `phone`, `legalRepresentatives`",
            ),
            (9, "iin: the same person is already on line 1"),
            (
                10,
                "rka: the address registration code (RKA) must be 1 to 20 digits",
            ),
            (10, "address: must not be blank"),
            (10, "area: the area must have at most two decimals"),
            (10, "kind: must be one of HOUSE, APARTMENT, DACHA, HOSTEL"),
            (
                11,
                "row: invalid type: floating point `54.3`, expected a string",
            ),
            (
                12,
                "owners[0]: give exactly one of iin (a person) or bin (an organisation)",
            ),
            (
                12,
                "owners[1]: give exactly one of iin (a person) or bin (an organisation)",
            ),
            (
                12,
                "owners[2].iin: the IIN is not valid: its check digit does not match",
            ),
            (
                12,
                "owners[3].bin: the BIN is not valid: its check digit does not match",
            ),
            (12, "owners[4].share: the share must be greater than zero"),
            (
                12,
                "owners[5].share: the share must not be more than the whole (numerator above denominator)",
            ),
            (
                12,
                "owners[6].share: the share must be a fraction of two whole numbers, such as 1/2",
            ),
            (13, "owners[1]: the same owner is already owners[0]"),
            (
                14,
                "owners: at least one owner is required (only a HOSTEL with an administration may have none)",
            ),
            (16, "rka: the same property is already on line 15"),
            (17, "row: must be a JSON object"),
        ];
        let expected: Vec<(usize, String)> = expected
            .into_iter()
            .map(|(line, message)| (line, message.to_owned()))
            .collect();
        assert_eq!(errors, expected);
    }

    #[tokio::test]
    async fn shares_must_make_up_exactly_one() {
        // DOMAIN: co-owners' shares make up the whole object
        let owners = |shares: &[(&str, &str)]| {
            shares
                .iter()
                .map(|(iin, share)| format!(r#"{{"iin":"{iin}","share":"{share}"}}"#))
                .collect::<Vec<_>>()
                .join(",")
        };
        let text = [
            property(
                "1",
                "HOUSE",
                "null",
                &owners(&[(AIGERIM, "1/2"), (NURLAN, "1/4")]),
            ),
            property(
                "2",
                "HOUSE",
                "null",
                &owners(&[(AIGERIM, "1/2"), (NURLAN, "2/3")]),
            ),
            property("3", "HOUSE", "null", &owners(&[(AIGERIM, "1/2")])),
            property(
                "4",
                "HOUSE",
                "null",
                &owners(&[(AIGERIM, "1/3"), (NURLAN, "1/3"), (DANA, "333/1000")]),
            ),
        ]
        .join("\n");
        assert_eq!(
            refused(&text).await,
            [
                (
                    1,
                    "owners: the shares must add up to exactly 1, not 3/4".to_owned()
                ),
                (
                    2,
                    "owners: the shares must add up to exactly 1, not 7/6".to_owned()
                ),
                (
                    3,
                    "owners: the shares must add up to exactly 1, not 1/2".to_owned()
                ),
                (
                    4,
                    "owners: the shares must add up to exactly 1, not 2999/3000".to_owned()
                ),
            ]
        );

        // Thirds and unreduced fractions that do make up the whole are fine.
        let db = db().await;
        let good = [
            property(
                "5",
                "HOUSE",
                "null",
                &owners(&[(AIGERIM, "1/3"), (NURLAN, "1/3"), (DANA, "1/3")]),
            ),
            property(
                "6",
                "DACHA",
                "null",
                &owners(&[(AIGERIM, "2/4"), (NURLAN, "3/6")]),
            ),
        ]
        .join("\n");
        let report = import(&db, &good, NOW).await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(report.properties_created, 2);
    }

    #[tokio::test]
    async fn hostel_rules() {
        // DOMAIN: organisation administration replaces the owner's consent (hostels only)
        let aigerim = format!(r#"{{"iin":"{AIGERIM}","share":"1/1"}}"#);
        let text = [
            // 1: a hostel without an administration
            property("1", "HOSTEL", "null", ""),
            // 2: a hostel without an administration but with owners
            property("2", "HOSTEL", "null", &aigerim),
            // 3: a flat with an administration
            property("3", "APARTMENT", r#""940140000385""#, &aigerim),
            // 4: a hostel whose administration BIN is invalid
            property("4", "HOSTEL", r#""940140000384""#, ""),
            // 5: a hostel whose administration BIN is not a legal entity's (5th digit)
            property("5", "HOSTEL", r#""871008401427""#, ""),
        ]
        .join("\n");
        let no_administration = "administrationBin: a HOSTEL needs the BIN of the organisation whose administration consents";
        assert_eq!(
            refused(&text).await,
            [
                (1, no_administration.to_owned()),
                (
                    1,
                    "owners: at least one owner is required (only a HOSTEL with an administration may have none)"
                        .to_owned()
                ),
                (2, no_administration.to_owned()),
                (
                    3,
                    "administrationBin: only a HOSTEL has an administration; use null".to_owned()
                ),
                (
                    4,
                    "administrationBin: the BIN is not valid: its check digit does not match"
                        .to_owned()
                ),
                (
                    5,
                    "administrationBin: the BIN is not valid: its 5th digit must be 4, 5 or 6"
                        .to_owned()
                ),
            ]
        );

        // A hostel with an administration may have no owner in the mirror, or owners whose
        // shares make up the whole.
        let db = db().await;
        let good = [
            property("6", "HOSTEL", r#""940140000385""#, ""),
            property(
                "7",
                "HOSTEL",
                r#""940140000385""#,
                r#"{"bin":"940140000385","share":"1/1"}"#,
            ),
        ]
        .join("\n");
        let report = import(&db, &good, NOW).await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(counts(&db).await, (0, 2, 1));
    }

    #[tokio::test]
    async fn names_and_addresses_with_control_or_bidi_characters_are_refused() {
        // JSON escapes arrive decoded: \u0000 is a NUL, \u202e the right-to-left override.
        let forbidden = "must not contain control or bidirectional-override characters";
        let text = [
            format!(
                r#"{{"type":"person","iin":"{AIGERIM}","surname":"СЕЙТ\u0000ОВА","givenName":"\u202eМІРЕГЙА"}}"#
            ),
            format!(
                r#"{{"type":"property","rka":"42","address":"Астана, кв. \u202e24","area":"54.30","kind":"APARTMENT","owners":[{{"iin":"{AIGERIM}","share":"1/1"}}]}}"#
            ),
        ]
        .join("\n");
        assert_eq!(
            refused(&text).await,
            [
                (1, format!("surname: {forbidden}")),
                (1, format!("givenName: {forbidden}")),
                (2, format!("address: {forbidden}")),
            ]
        );
    }

    #[tokio::test]
    async fn the_report_lists_every_problem_for_the_cli() {
        let db = db().await;
        let report = import(&db, "\n{\n// fine\n[]", NOW).await.unwrap();
        assert_eq!(
            report.to_string(),
            "nothing imported: 2 problem(s) on 2 line(s)\n\
             line 2: row: not valid JSON: EOF while parsing an object (column 1)\n\
             line 4: row: must be a JSON object"
        );
    }

    #[tokio::test]
    async fn an_empty_file_imports_nothing() {
        let db = db().await;
        for text in ["", "\n\n", "\u{feff}// only a comment\n"] {
            assert_eq!(
                import(&db, text, NOW).await.unwrap(),
                ImportReport::default()
            );
        }
    }

    #[tokio::test]
    async fn the_demo_data_imports_cleanly_once() {
        let db = db().await;
        let report = load_demo_data_if_empty(&db, NOW).await.unwrap().unwrap();
        assert!(report.is_ok(), "{report}");
        let created = ImportReport {
            persons_created: 9,
            properties_created: 6,
            organisations_created: 1,
            powers_of_attorney_created: 1,
            documents_created: 13,
            ..ImportReport::default()
        };
        assert_eq!(report, created);
        assert_eq!(other_counts(&db).await, (1, 1, 2, 1));
        assert_eq!(document_count(&db).await, 13);
        assert_eq!(load_demo_data_if_empty(&db, NOW).await.unwrap(), None);

        // The demo PKI's people are there with their phones, and the properties the walk-through
        // relies on: Aigerim's flat, the co-owned flat, the house with three co-owners, the
        // hostel with an administration.
        let registries = LocalRegistries::new(db.clone());
        for person in [AIGERIM, NURLAN, DANA, ERLAN] {
            assert!(
                registries
                    .find_person(&iin(person))
                    .await
                    .unwrap()
                    .is_some()
            );
            assert!(registries.phone_of(&iin(person)).await.unwrap().is_some());
        }
        let owners_of = |rka: &'static str| {
            let registries = registries.clone();
            async move {
                registries
                    .find_by_rka(&Rka::parse(rka).unwrap())
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let flat = owners_of("0201900148270042").await;
        assert_eq!(flat.owners.len(), 1);
        let shared = owners_of("0101200057310097").await;
        assert_eq!(shared.owners.len(), 2);
        assert!(
            shared
                .owners
                .iter()
                .any(|o| o.owner == Owner::Person(iin(NURLAN)))
        );
        let house = owners_of("0201800033100027").await;
        assert_eq!(house.kind, PropertyKind::House);
        assert_eq!(house.owners.len(), 3);

        // The hostel's administration is an organisation of its own, not the demo officer's
        // body, with the roles its keys may hold.
        let hostel = owners_of("0101300211840015").await;
        assert_eq!(hostel.kind, PropertyKind::Hostel);
        let administration = Bin::parse(HOSTEL_BIN).unwrap();
        assert_eq!(hostel.administration.as_ref(), Some(&administration));
        assert!(hostel.owners.is_empty());
        let operator = registries
            .organisation(&administration)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(operator.name, "ТОО «Студенческий городок Астаны»");
        assert_eq!(operator.consent_role_oids, [ROLE_HEAD, ROLE_EMPLOYEE]);

        // The state rental flat: owned by an akimat, Erlan its tenant with his wife.
        let rental = owners_of(RENTAL_FLAT).await;
        assert_eq!(rental.kind, PropertyKind::Apartment);
        assert_eq!(
            rental.owners,
            [Ownership {
                owner: Owner::Organisation(Bin::parse(AKIMAT_BIN).unwrap()),
                share: Share::WHOLE
            }]
        );
        assert_eq!(
            rental.tenants,
            [Tenant {
                iin: iin(ERLAN),
                household: vec![iin(MADINA)]
            }]
        );
        assert!(
            registries
                .find_person(&iin(MADINA))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            registries
                .organisation(&Bin::parse(AKIMAT_BIN).unwrap())
                .await
                .unwrap()
                .is_none()
        );

        // The minor co-owner: born in 2012, represented by both parents.
        let aliya = Iin::parse(ALIYA).unwrap();
        assert_eq!(aliya.birth_date().year(), 2012);
        let minors_house = owners_of(MINORS_HOUSE).await;
        let owners: Vec<Owner> = minors_house.owners.into_iter().map(|o| o.owner).collect();
        assert_eq!(
            owners,
            [Owner::Person(aliya.clone()), Owner::Person(iin(GULNAR))]
        );
        for parent in [NURLAN, GULNAR] {
            assert_eq!(
                registries.represented_by(&iin(parent)).await.unwrap(),
                [LegalRepresentation {
                    principal: aliya.clone(),
                    representative: iin(parent),
                    basis: RepresentationBasis::Parent
                }]
            );
        }

        // Bolat's power of attorney for Erlan.
        let powers = registries.powers_held_by(&iin(ERLAN)).await.unwrap();
        assert_eq!(
            powers,
            [PowerOfAttorney {
                number: "НТ-2026-004512".to_owned(),
                issued_on: date!(2026 - 06 - 01),
                valid_until: date!(2027 - 05 - 31),
                principal: iin(BOLAT),
                attorney: iin(ERLAN),
                revoked_on: None
            }]
        );

        // DOMAIN: documents: identity document; children from 14: birth certificate and
        // passport (if any). Every person has one valid on the demo day; Aigerim also an
        // expired and a lost identity card, Aliya a birth certificate and a passport.
        let day = NOW.date();
        for person in [
            AIGERIM,
            NURLAN,
            DANA,
            ERLAN,
            GULNAR,
            BOLAT,
            "581127400039",
            MADINA,
        ] {
            let documents = registries.documents_of(&iin(person)).await.unwrap();
            assert!(
                documents
                    .iter()
                    .any(|d| d.kind.is_identity_document() && d.valid_on(day)),
                "{person}"
            );
        }
        let aigerims = registries.documents_of(&iin(AIGERIM)).await.unwrap();
        let aigerims: Vec<(&str, bool)> = aigerims
            .iter()
            .map(|d| (d.number.as_str(), d.valid_on(day)))
            .collect();
        // Newest first: the valid card, the lost one, the expired one.
        assert_eq!(
            aigerims,
            [
                ("054217803", true),
                ("049372615", false),
                ("031845672", false)
            ]
        );
        let aliyas: Vec<StateDocumentKind> = registries
            .documents_of(&aliya)
            .await
            .unwrap()
            .iter()
            .filter(|d| d.valid_on(day))
            .map(|d| d.kind)
            .collect();
        assert_eq!(
            aliyas,
            [
                StateDocumentKind::Passport,
                StateDocumentKind::BirthCertificate
            ]
        );
        let certificate = registries
            .document(StateDocumentKind::BirthCertificate, "I-АЛ № 0412583")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (certificate.holder, certificate.valid_until),
            (aliya.clone(), None)
        );

        // Importing the file again (the CLI on a demo database) changes nothing at all.
        let again = import(&db, DEMO_DATA, NOW).await.unwrap();
        assert_eq!(
            again,
            ImportReport {
                persons_unchanged: 9,
                properties_unchanged: 6,
                organisations_unchanged: 1,
                powers_of_attorney_unchanged: 1,
                documents_unchanged: 13,
                ..ImportReport::default()
            }
        );
        assert_eq!(counts(&db).await, (9, 6, 9));
        assert_eq!(other_counts(&db).await, (1, 1, 2, 1));
        assert_eq!(document_count(&db).await, 13);
    }

    /// One row of each new kind: tenants of a state rental flat, a minor with representatives,
    /// two organisations (one with the default roles) and two powers of attorney.
    const NEW_KINDS: &str = r#"{"type":"person","iin":"850315300019","surname":"ЖАНДОСОВ","givenName":"ЕРЛАН"}
{"type":"person","iin":"120914600121","surname":"ОМАРОВА","givenName":"ӘЛИЯ","legalRepresentatives":[{"iin":"760212350620","basis":"PARENT"},{"iin":"790514400122","basis":"GUARDIAN"}]}
{"type":"property","rka":"0101100072450031","address":"Астана, ул. Бейбітшілік, 33, кв. 31","area":"48.20","kind":"APARTMENT","owners":[{"bin":"980340001477","share":"1/1"}],"tenants":[{"iin":"850315300019","household":["880422400230","061211600012"]},{"iin":"871008401427"}]}
{"type":"organisation","bin":"050740003216","name":"ТОО «Студенческий городок Астаны»"}
{"type":"organisation","bin":"980340001477","name":"ГУ «Аппарат акима»","consentRoleOids":["1.2.398.3.3.4.1.2.2"]}
{"type":"powerOfAttorney","number":"НТ-2026-004512","issuedOn":"2026-06-01","validUntil":"2027-05-31","principalIin":"540302300122","attorneyIin":"850315300019","revokedOn":null}
{"type":"powerOfAttorney","number":"НТ-2025-000017","issuedOn":"2025-01-10","validUntil":"2026-01-09","principalIin":"871008401427","attorneyIin":"850315300019","revokedOn":"2025-03-01"}
"#;

    #[tokio::test]
    async fn tenants_organisations_representatives_and_powers_are_readable_through_the_registries()
    {
        let db = db().await;
        let report = import(&db, NEW_KINDS, NOW).await.unwrap();
        assert_eq!(
            report,
            ImportReport {
                persons_created: 2,
                properties_created: 1,
                organisations_created: 2,
                powers_of_attorney_created: 2,
                ..ImportReport::default()
            }
        );
        assert_eq!(other_counts(&db).await, (2, 2, 2, 2));
        let registries = LocalRegistries::new(db.clone());

        // Tenants by IIN, each household by IIN.
        let flat = registries
            .find_by_rka(&Rka::parse(RENTAL_FLAT).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            flat.tenants,
            [
                Tenant {
                    iin: iin(ERLAN),
                    household: vec![iin(DANA), iin(MADINA)]
                },
                Tenant {
                    iin: iin(AIGERIM),
                    household: Vec::new()
                },
            ]
        );
        // DOMAIN: owner or tenant: the owner check finds the flat by its tenant, not by a
        // member of the household.
        let area = Area::parse("48.2").unwrap();
        for tenant in [ERLAN, AIGERIM] {
            let found = registries
                .find_by_owner_and_area(&iin(tenant), &area)
                .await
                .unwrap();
            assert_eq!(found, std::slice::from_ref(&flat), "{tenant}");
        }
        assert!(
            registries
                .find_by_owner_and_area(&iin(MADINA), &area)
                .await
                .unwrap()
                .is_empty()
        );
        let known = registries
            .known_owner_areas(&[(iin(ERLAN), area), (iin(MADINA), area)])
            .await
            .unwrap();
        assert_eq!(known.into_iter().collect::<Vec<_>>(), [(iin(ERLAN), area)]);

        // Organisations: the roles left out are all three.
        let operator = registries
            .organisation(&Bin::parse(HOSTEL_BIN).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            operator,
            Organisation {
                bin: Bin::parse(HOSTEL_BIN).unwrap(),
                name: "ТОО «Студенческий городок Астаны»".to_owned(),
                consent_role_oids: vec![
                    ROLE_HEAD.to_owned(),
                    ROLE_MAY_SIGN.to_owned(),
                    ROLE_EMPLOYEE.to_owned()
                ],
            }
        );
        let akimat = registries
            .organisation(&Bin::parse(AKIMAT_BIN).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(akimat.consent_role_oids, [ROLE_MAY_SIGN]);
        assert!(
            registries
                .organisation(&Bin::parse("940140000385").unwrap())
                .await
                .unwrap()
                .is_none()
        );

        // Legal representatives, by the representative.
        let represented = |basis| {
            vec![LegalRepresentation {
                principal: iin(ALIYA),
                representative: iin(NURLAN),
                basis,
            }]
        };
        assert_eq!(
            registries.represented_by(&iin(NURLAN)).await.unwrap(),
            represented(RepresentationBasis::Parent)
        );
        let by_gulnar = registries.represented_by(&iin(GULNAR)).await.unwrap();
        assert_eq!(
            by_gulnar
                .iter()
                .map(|r| (r.principal.as_str(), r.basis))
                .collect::<Vec<_>>(),
            [(ALIYA, RepresentationBasis::Guardian)]
        );
        assert!(
            registries
                .represented_by(&iin(ALIYA))
                .await
                .unwrap()
                .is_empty()
        );

        // Powers of attorney: the attorney's, newest first, and one by its number.
        let powers = registries.powers_held_by(&iin(ERLAN)).await.unwrap();
        let numbers: Vec<&str> = powers.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["НТ-2026-004512", "НТ-2025-000017"]);
        let revoked = registries
            .power_of_attorney("НТ-2025-000017")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            revoked,
            PowerOfAttorney {
                number: "НТ-2025-000017".to_owned(),
                issued_on: date!(2025 - 01 - 10),
                valid_until: date!(2026 - 01 - 09),
                principal: iin(AIGERIM),
                attorney: iin(ERLAN),
                revoked_on: Some(date!(2025 - 03 - 01)),
            }
        );
        assert!(!revoked.valid_on(date!(2025 - 06 - 01)));
        assert!(
            registries
                .power_of_attorney("НТ-2026-000000")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            registries
                .powers_held_by(&iin(BOLAT))
                .await
                .unwrap()
                .is_empty()
        );

        // Again: nothing changes, not even the order of lists written differently.
        let reordered = NEW_KINDS
            .replace(
                r#"["880422400230","061211600012"]"#,
                r#"["061211600012","880422400230"]"#,
            )
            .replace(
                r#"[{"iin":"760212350620","basis":"PARENT"},{"iin":"790514400122","basis":"GUARDIAN"}]"#,
                r#"[{"iin":"790514400122","basis":"GUARDIAN"},{"iin":"760212350620","basis":"PARENT"}]"#,
            );
        for text in [NEW_KINDS, reordered.as_str()] {
            assert_eq!(
                import(&db, text, NOW).await.unwrap(),
                ImportReport {
                    persons_unchanged: 2,
                    properties_unchanged: 1,
                    organisations_unchanged: 2,
                    powers_of_attorney_unchanged: 2,
                    ..ImportReport::default()
                }
            );
        }
        assert_eq!(other_counts(&db).await, (2, 2, 2, 2), "no duplicates");
    }

    #[tokio::test]
    async fn a_changed_household_representatives_roles_or_revocation_update_the_mirror() {
        let db = db().await;
        import(&db, NEW_KINDS, NOW).await.unwrap();
        let changed = NEW_KINDS
            // Dana moved out of Erlan's flat; Aigerim's lease now names her mother.
            .replace(r#"["880422400230","061211600012"]"#, r#"["880422400230"]"#)
            .replace(
                r#"{"iin":"871008401427"}"#,
                r#"{"iin":"871008401427","household":["581127400039"]}"#,
            )
            // Gulnar is no longer Aliya's guardian but her parent; Nurlan is no longer listed.
            .replace(
                r#"[{"iin":"760212350620","basis":"PARENT"},{"iin":"790514400122","basis":"GUARDIAN"}]"#,
                r#"[{"iin":"790514400122","basis":"PARENT"}]"#,
            )
            // The akimat's employees may consent too; Erlan's older power was revoked later.
            .replace(
                r#""consentRoleOids":["1.2.398.3.3.4.1.2.2"]"#,
                r#""consentRoleOids":["1.2.398.3.3.4.1.2.5","1.2.398.3.3.4.1.2.2"]"#,
            )
            .replace(r#""revokedOn":"2025-03-01""#, r#""revokedOn":"2025-04-15""#);
        let report = import(&db, &changed, NOW).await.unwrap();
        assert_eq!(
            report,
            ImportReport {
                persons_updated: 1,
                persons_unchanged: 1,
                properties_updated: 1,
                organisations_updated: 1,
                organisations_unchanged: 1,
                powers_of_attorney_updated: 1,
                powers_of_attorney_unchanged: 1,
                ..ImportReport::default()
            }
        );
        assert_eq!(other_counts(&db).await, (2, 2, 1, 2));
        let registries = LocalRegistries::new(db.clone());
        let flat = registries
            .find_by_rka(&Rka::parse(RENTAL_FLAT).unwrap())
            .await
            .unwrap()
            .unwrap();
        let households: Vec<(Iin, Vec<Iin>)> = flat
            .tenants
            .into_iter()
            .map(|t| (t.iin, t.household))
            .collect();
        assert_eq!(
            households,
            [
                (iin(ERLAN), vec![iin(MADINA)]),
                (iin(AIGERIM), vec![iin("581127400039")])
            ]
        );
        assert!(
            registries
                .represented_by(&iin(NURLAN))
                .await
                .unwrap()
                .is_empty()
        );
        let by_gulnar = registries.represented_by(&iin(GULNAR)).await.unwrap();
        assert_eq!(
            by_gulnar.iter().map(|r| r.basis).collect::<Vec<_>>(),
            [RepresentationBasis::Parent]
        );
        let akimat = registries
            .organisation(&Bin::parse(AKIMAT_BIN).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(akimat.consent_role_oids, [ROLE_MAY_SIGN, ROLE_EMPLOYEE]);
        let revoked = registries
            .power_of_attorney("НТ-2025-000017")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(revoked.revoked_on, Some(date!(2025 - 04 - 15)));

        // A person or property row without the list has none: the file describes them
        // completely.
        let without = changed
            .replace(r#","legalRepresentatives":[{"iin":"790514400122","basis":"PARENT"}]"#, "")
            .replace(
                r#","tenants":[{"iin":"850315300019","household":["880422400230"]},{"iin":"871008401427","household":["581127400039"]}]"#,
                r#","tenants":null"#,
            );
        let report = import(&db, &without, NOW).await.unwrap();
        assert_eq!(
            (report.persons_updated, report.properties_updated),
            (1, 1),
            "{report}"
        );
        assert_eq!(other_counts(&db).await, (0, 2, 0, 2));
        assert!(
            registries
                .find_by_owner_and_area(&iin(ERLAN), &Area::parse("48.20").unwrap())
                .await
                .unwrap()
                .is_empty()
        );
    }

    /// A property row with these owners and tenants (JSON arrays' contents).
    fn leased(rka: &str, kind: &str, administration: &str, owners: &str, tenants: &str) -> String {
        format!(
            r#"{{"type":"property","rka":"{rka}","address":"Астана, ул. Бейбітшілік, 33","area":"48.20","kind":"{kind}","administrationBin":{administration},"owners":[{owners}],"tenants":[{tenants}]}}"#
        )
    }

    #[tokio::test]
    async fn tenant_rules() {
        // DOMAIN: owner or tenant: in state or municipal rental housing the tenant consents
        let akimat = format!(r#"{{"bin":"{AKIMAT_BIN}","share":"1/1"}}"#);
        let erlan = format!(r#"{{"iin":"{ERLAN}"}}"#);
        let text = [
            // 1: a privately owned flat with a tenant
            leased(
                "1",
                "APARTMENT",
                "null",
                &format!(r#"{{"iin":"{AIGERIM}","share":"1/1"}}"#),
                &erlan,
            ),
            // 2: a hostel with a tenant, although an organisation owns it
            leased("2", "HOSTEL", &format!(r#""{HOSTEL_BIN}""#), &akimat, &erlan),
            // 3: a tenant whose IIN is not valid
            leased("3", "APARTMENT", "null", &akimat, r#"{"iin":"821214240092"}"#),
            // 4: the same tenant twice
            leased(
                "4",
                "APARTMENT",
                "null",
                &akimat,
                &format!(r#"{erlan},{{"iin":" {ERLAN}","household":[]}}"#),
            ),
            // 5: a household with a bad IIN, a person listed twice and the tenant
            leased(
                "5",
                "HOUSE",
                "null",
                &akimat,
                &format!(
                    r#"{{"iin":"{ERLAN}","household":["12345","{MADINA}","{MADINA}","{ERLAN}","{DANA}"]}}"#
                ),
            ),
            // 6: an unknown field in a tenant
            leased(
                "6",
                "APARTMENT",
                "null",
                &akimat,
                &format!(r#"{{"iin":"{ERLAN}","since":"2020-01-01"}}"#),
            ),
            // 7: a good rental flat, which must not be written either
            leased(
                "7",
                "DACHA",
                "null",
                &format!(r#"{{"bin":"{AKIMAT_BIN}","share":"1/2"}},{{"iin":"{AIGERIM}","share":"1/2"}}"#),
                &format!(r#"{{"iin":"{ERLAN}","household":["{MADINA}"]}}"#),
            ),
        ]
        .join("\n");
        let expected: Vec<(usize, &str)> = vec![
            (
                1,
                "tenants: only rental housing of the state or a municipality has tenants: at least one owner must be an organisation (bin)",
            ),
            (
                2,
                "tenants: a HOSTEL has no tenants: its administration consents",
            ),
            (
                3,
                "tenants[0].iin: the IIN is not valid: its check digit does not match",
            ),
            (4, "tenants[1]: the same tenant is already tenants[0]"),
            (
                5,
                "tenants[0].household[0]: the IIN must be exactly 12 digits",
            ),
            (
                5,
                "tenants[0].household[2]: the same person is already tenants[0].household[1]",
            ),
            (
                5,
                "tenants[0].household[3]: the tenant is not listed in their own household",
            ),
            (
                6,
                "row: unknown field `since`, expected `iin` or `household`",
            ),
        ];
        let expected: Vec<(usize, String)> = expected
            .into_iter()
            .map(|(line, message)| (line, message.to_owned()))
            .collect();
        assert_eq!(refused(&text).await, expected);

        // An organisation co-owning a dacha (line 7) may let it.
        let db = db().await;
        let good = text.lines().nth(6).unwrap();
        let report = import(&db, good, NOW).await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(other_counts(&db).await, (1, 0, 0, 0));
    }

    #[tokio::test]
    async fn legal_representative_rules() {
        let child = |representatives: &str| {
            format!(
                r#"{{"type":"person","iin":"{ALIYA}","surname":"ОМАРОВА","givenName":"ӘЛИЯ","legalRepresentatives":[{representatives}]}}"#
            )
        };
        let text = [
            // 1: a bad IIN, an unknown basis, the person herself, the same parent twice
            child(&format!(
                r#"{{"iin":"821214240092","basis":"PARENT"}},{{"iin":"{NURLAN}","basis":"MOTHER"}},{{"iin":"{ALIYA}","basis":"GUARDIAN"}},{{"iin":"{GULNAR}","basis":"PARENT"}},{{"iin":"{GULNAR}","basis":"TRUSTEE"}}"#
            )),
            // 2: the basis in lower case; a representative without a basis
            child(&format!(r#"{{"iin":"{NURLAN}","basis":"parent"}}"#)),
            child(&format!(r#"{{"iin":"{NURLAN}"}}"#)),
            // 4: a good one, which must not be written either
            format!(
                r#"{{"type":"person","iin":"{DANA}","surname":"ОМАРОВА","givenName":"ДАНА","legalRepresentatives":[{{"iin":"{NURLAN}","basis":"TRUSTEE"}}]}}"#
            ),
        ]
        .join("\n");
        let expected: Vec<(usize, &str)> = vec![
            (
                1,
                "legalRepresentatives[0].iin: the IIN is not valid: its check digit does not match",
            ),
            (
                1,
                "legalRepresentatives[1].basis: must be one of PARENT, GUARDIAN, TRUSTEE",
            ),
            (
                1,
                "legalRepresentatives[2].iin: a person is not their own legal representative",
            ),
            (
                1,
                "legalRepresentatives[4]: the same representative is already legalRepresentatives[3]",
            ),
            (
                2,
                "legalRepresentatives[0].basis: must be one of PARENT, GUARDIAN, TRUSTEE",
            ),
            (3, "row: missing field `basis`"),
        ];
        let expected: Vec<(usize, String)> = expected
            .into_iter()
            .map(|(line, message)| (line, message.to_owned()))
            .collect();
        assert_eq!(refused(&text).await, expected);
    }

    #[tokio::test]
    async fn organisation_rules() {
        let organisation = |bin: &str, name: &str, roles: &str| {
            format!(r#"{{"type":"organisation","bin":"{bin}","name":"{name}"{roles}}}"#)
        };
        let text = [
            // 1: a BIN whose check digit fails, a blank name
            organisation("940140000384", " ", ""),
            // 2: a person's IIN for a BIN
            organisation(AIGERIM, "ТОО «А»", ""),
            // 3: no role at all
            organisation(HOSTEL_BIN, "ТОО «А»", r#","consentRoleOids":[]"#),
            // 4: a role that does not consent (financial documents), a role twice
            organisation(
                HOSTEL_BIN,
                "ТОО «А»",
                &format!(
                    r#","consentRoleOids":["1.2.398.3.3.4.1.2.3","{ROLE_HEAD}","{ROLE_HEAD}"]"#
                ),
            ),
            // 5: a name with a right-to-left override
            organisation(HOSTEL_BIN, r"ТОО \u202e«А»", ""),
            // 6: a good one, which must not be written either
            organisation(HOSTEL_BIN, "ТОО «А»", r#","consentRoleOids":null"#),
            // 7: the same BIN as line 6
            organisation(&format!(" {HOSTEL_BIN}"), "ТОО «Б»", ""),
            // 8: an unknown field
            organisation(AKIMAT_BIN, "ГУ «Б»", r#","address":"Астана""#),
        ]
        .join("\n");
        let expected: Vec<(usize, &str)> = vec![
            (
                1,
                "bin: the BIN is not valid: its check digit does not match",
            ),
            (1, "name: must not be blank"),
            (
                2,
                "bin: the BIN is not valid: its 5th digit must be 4, 5 or 6",
            ),
            (
                3,
                "consentRoleOids: must name at least one role (leave the field out for all three)",
            ),
            (
                4,
                "consentRoleOids[0]: must be one of 1.2.398.3.3.4.1.2.1 (the head), 1.2.398.3.3.4.1.2.2 (may sign for the organisation), 1.2.398.3.3.4.1.2.5 (an employee)",
            ),
            (
                4,
                "consentRoleOids[2]: the same role is already consentRoleOids[1]",
            ),
            (
                5,
                "name: must not contain control or bidirectional-override characters",
            ),
            (7, "bin: the same organisation is already on line 6"),
            (
                8,
                "row: unknown field `address`, expected one of `bin`, `name`, `consentRoleOids`",
            ),
        ];
        let expected: Vec<(usize, String)> = expected
            .into_iter()
            .map(|(line, message)| (line, message.to_owned()))
            .collect();
        assert_eq!(refused(&text).await, expected);
    }

    #[tokio::test]
    async fn power_of_attorney_rules() {
        // DOMAIN: a representative acts under a notarised power of attorney
        let power = |number: &str,
                     issued: &str,
                     until: &str,
                     revoked: &str,
                     principal: &str,
                     attorney: &str| {
            format!(
                r#"{{"type":"powerOfAttorney","number":"{number}","issuedOn":"{issued}","validUntil":"{until}","principalIin":"{principal}","attorneyIin":"{attorney}","revokedOn":{revoked}}}"#
            )
        };
        let longest = "Н".repeat(64);
        let text = [
            // 1: every field bad at once
            power(" ", "2026-6-1", "2027-02-30", r#""01.06.2026""#, "821214240092", "123"),
            // 2: a number of 65 characters
            power(&"Н".repeat(65), "2026-06-01", "2027-05-31", "null", BOLAT, ERLAN),
            // 3, 4: a number with a right-to-left override, with a bell
            power(r"НТ-\u202e2026", "2026-06-01", "2027-05-31", "null", BOLAT, ERLAN),
            power(r"НТ-\u00072026", "2026-06-01", "2027-05-31", "null", BOLAT, ERLAN),
            // 5: valid until before it was issued
            power("НТ-5", "2026-06-01", "2026-05-31", "null", BOLAT, ERLAN),
            // 6: revoked before it was issued
            power("НТ-6", "2026-06-01", "2027-05-31", r#""2026-05-31""#, BOLAT, ERLAN),
            // 7: the principal is the attorney
            power("НТ-7", "2026-06-01", "2027-05-31", "null", ERLAN, ERLAN),
            // 8: dates with a sign, without hyphens, with a time
            power("НТ-8", "+2026-06-01", "20270531", r#""2026-07-01T00:00:00""#, BOLAT, ERLAN),
            // 9: good: the longest number, valid one day, revoked the day it was issued
            power(&longest, "2026-06-01", "2026-06-01", r#""2026-06-01""#, BOLAT, ERLAN),
            // 10: the same number as line 9
            power(&format!("{longest} "), "2025-01-01", "2025-12-31", "null", AIGERIM, ERLAN),
            // 11: a missing field
            r#"{"type":"powerOfAttorney","number":"НТ-11","issuedOn":"2026-06-01","principalIin":"540302300122","attorneyIin":"850315300019"}"#.to_owned(),
        ]
        .join("\n");
        let bad_date = "must be a real date written YYYY-MM-DD";
        let expected: Vec<(usize, String)> = vec![
            (1, "number: must not be blank".to_owned()),
            (1, format!("issuedOn: {bad_date}")),
            (1, format!("validUntil: {bad_date}")),
            (1, format!("revokedOn: {bad_date}")),
            (
                1,
                "principalIin: the IIN is not valid: its check digit does not match".to_owned(),
            ),
            (
                1,
                "attorneyIin: the IIN must be exactly 12 digits".to_owned(),
            ),
            (2, "number: is too long (at most 64 characters)".to_owned()),
            (
                3,
                "number: must not contain control or bidirectional-override characters".to_owned(),
            ),
            (
                4,
                "number: must not contain control or bidirectional-override characters".to_owned(),
            ),
            (5, "validUntil: must not be before issuedOn".to_owned()),
            (6, "revokedOn: must not be before issuedOn".to_owned()),
            (
                7,
                "attorneyIin: must not be the principal's own IIN".to_owned(),
            ),
            (8, format!("issuedOn: {bad_date}")),
            (8, format!("validUntil: {bad_date}")),
            (8, format!("revokedOn: {bad_date}")),
            (
                10,
                "number: the same power of attorney is already on line 9".to_owned(),
            ),
            (11, "row: missing field `validUntil`".to_owned()),
        ];
        assert_eq!(refused(&text).await, expected);

        // Line 9 on its own imports, and reads back as written.
        let db = db().await;
        let report = import(&db, text.lines().nth(8).unwrap(), NOW)
            .await
            .unwrap();
        assert_eq!(report.powers_of_attorney_created, 1, "{report}");
        let stored = LocalRegistries::new(db)
            .power_of_attorney(&longest)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.valid_until, stored.revoked_on),
            (date!(2026 - 06 - 01), Some(date!(2026 - 06 - 01)))
        );
    }

    #[tokio::test]
    async fn a_json_array_imports_like_json_lines_with_lines_reported() {
        let rows: Vec<&str> = DEMO_DATA
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .collect();
        let array = format!("[\n  {}\n]\n", rows.join(",\n  "));
        let report = import(&db().await, &array, NOW).await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(
            report.persons_created,
            rows.iter().filter(|r| r.contains("\"person\"")).count()
        );
        // An element spread over several lines is reported at the line it starts on.
        let bad = "[\n  {\"type\": \"person\", \"iin\": \"910520300017\", \"surname\": \"A\", \"givenName\": \"B\"},\n  {\n    \"type\": \"person\",\n    \"iin\": \"821214240092\", \"surname\": \"A, [B]\", \"givenName\": \"C\"\n  }\n]";
        let report = import(&db().await, bad, NOW).await.unwrap();
        let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3], "{report}");
        for broken in ["[ {\"type\": \"person\"}", "[] trailing"] {
            let report = import(&db().await, broken, NOW).await.unwrap();
            assert_eq!(report.errors.len(), 1, "{broken}: {report}");
        }
    }

    /// A document row; `until` and `invalidated` are JSON (`null` or a quoted date).
    fn document(
        kind: &str,
        number: &str,
        holder: &str,
        issued: &str,
        until: &str,
        invalidated: &str,
    ) -> String {
        format!(
            r#"{{"type":"document","kind":"{kind}","number":"{number}","holderIin":"{holder}","issuedOn":"{issued}","validUntil":{until},"invalidatedOn":{invalidated}}}"#
        )
    }

    #[tokio::test]
    async fn document_rules() {
        // DOMAIN: documents the state holds are checked by number, not uploaded
        let until = r#""2029-03-11""#;
        let longest = "Ж".repeat(32);
        let text = [
            // 1: every field bad at once
            document("DRIVING_LICENCE", " ", "821214240092", "2019-3-12", r#""2029-02-30""#, r#""12.03.2020""#),
            // 2: a number of 33 characters
            document("ID_CARD", &"1".repeat(33), AIGERIM, "2019-03-12", until, "null"),
            // 3, 4: a number with a right-to-left override, with a bell
            document("ID_CARD", r"048\u202e123456", AIGERIM, "2019-03-12", until, "null"),
            document("ID_CARD", r"048\u0007123456", AIGERIM, "2019-03-12", until, "null"),
            // 5: punctuation no document number has
            document("ID_CARD", "048/123.456", AIGERIM, "2019-03-12", until, "null"),
            // 6: an identity card that does not expire
            document("ID_CARD", "048123456", AIGERIM, "2019-03-12", "null", "null"),
            // 7: a passport whose validity is left out
            format!(r#"{{"type":"document","kind":"PASSPORT","number":"N13582046","holderIin":"{ERLAN}","issuedOn":"2025-05-20"}}"#),
            // 8: a birth certificate that expires
            document("BIRTH_CERTIFICATE", "I-АЛ № 0412583", ALIYA, "2012-09-21", until, "null"),
            // 9: valid until before it was issued
            document("ID_CARD", "048123456", AIGERIM, "2019-03-12", r#""2019-03-11""#, "null"),
            // 10: invalidated before it was issued
            document("ID_CARD", "048123456", AIGERIM, "2019-03-12", until, r#""2019-03-11""#),
            // 11: the kind in lower case
            document("id_card", "048123456", AIGERIM, "2019-03-12", until, "null"),
            // 12: good: a Cyrillic series in lower case, two spaces, invalidated the day issued
            document("BIRTH_CERTIFICATE", " i-ал  № 0412583", ALIYA, "2012-09-21", "null", r#""2012-09-21""#),
            // 13: the same kind and number as line 12, written as printed
            document("BIRTH_CERTIFICATE", "I-АЛ № 0412583", DANA, "2006-12-20", "null", "null"),
            // 14, 15: good: an identity card and a passport with the same digits
            document("ID_CARD", "048123456", AIGERIM, "2019-03-12", until, "null"),
            document("PASSPORT", "048123456", NURLAN, "2019-03-12", until, "null"),
            // 16: a missing field
            format!(r#"{{"type":"document","kind":"ID_CARD","number":"1","issuedOn":"2019-03-12","validUntil":{until}}}"#),
            // 17: an unknown field
            format!(r#"{{"type":"document","kind":"ID_CARD","number":"1","series":"AB","holderIin":"{AIGERIM}","issuedOn":"2019-03-12","validUntil":{until}}}"#),
            // 18: good: the longest number
            document("BIRTH_CERTIFICATE", &longest, DANA, "2006-12-20", "null", "null"),
            // 19: 20 characters that upper-case to 40
            document("BIRTH_CERTIFICATE", &"ß".repeat(20), DANA, "2006-12-20", "null", "null"),
        ]
        .join("\n");
        let bad_date = "must be a real date written YYYY-MM-DD";
        let bad_kind = "kind: must be one of ID_CARD, PASSPORT, BIRTH_CERTIFICATE";
        let forbidden = "number: must not contain control or bidirectional-override characters";
        let too_long = "number: is too long (at most 32 characters)";
        let expected: Vec<(usize, String)> = vec![
            (1, bad_kind.to_owned()),
            (1, "number: must not be blank".to_owned()),
            (
                1,
                "holderIin: the IIN is not valid: its check digit does not match".to_owned(),
            ),
            (1, format!("issuedOn: {bad_date}")),
            (1, format!("validUntil: {bad_date}")),
            (1, format!("invalidatedOn: {bad_date}")),
            (2, too_long.to_owned()),
            (3, forbidden.to_owned()),
            (4, forbidden.to_owned()),
            (
                5,
                "number: may hold only letters, digits, spaces, hyphens and №".to_owned(),
            ),
            (
                6,
                "validUntil: required for ID_CARD: give the last day it is valid".to_owned(),
            ),
            (
                7,
                "validUntil: required for PASSPORT: give the last day it is valid".to_owned(),
            ),
            (
                8,
                "validUntil: a BIRTH_CERTIFICATE does not expire: use null".to_owned(),
            ),
            (9, "validUntil: must not be before issuedOn".to_owned()),
            (10, "invalidatedOn: must not be before issuedOn".to_owned()),
            (11, bad_kind.to_owned()),
            (
                13,
                "number: the same document is already on line 12".to_owned(),
            ),
            (16, "row: missing field `holderIin`".to_owned()),
            (
                17,
                "row: unknown field `series`, expected one of `kind`, `number`, `holderIin`, \
                 `issuedOn`, `validUntil`, `invalidatedOn`"
                    .to_owned(),
            ),
            (19, too_long.to_owned()),
        ];
        assert_eq!(refused(&text).await, expected);

        // The good lines on their own import, and read back as the registries print them.
        let db = db().await;
        let good: Vec<&str> = [11, 13, 14, 17]
            .into_iter()
            .filter_map(|index| text.lines().nth(index))
            .collect();
        let report = import(&db, &good.join("\n"), NOW).await.unwrap();
        assert_eq!(
            report,
            ImportReport {
                documents_created: 4,
                ..ImportReport::default()
            }
        );
        let registries = LocalRegistries::new(db);
        let certificate = registries
            .document(StateDocumentKind::BirthCertificate, "I-АЛ № 0412583")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            certificate,
            StateDocument {
                kind: StateDocumentKind::BirthCertificate,
                number: "I-АЛ № 0412583".to_owned(),
                holder: iin(ALIYA),
                issued_on: date!(2012 - 09 - 21),
                valid_until: None,
                invalidated_on: Some(date!(2012 - 09 - 21)),
            }
        );
        let passport = registries
            .document(StateDocumentKind::Passport, "048123456")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(passport.holder, iin(NURLAN));
        let card = registries
            .document(StateDocumentKind::IdCard, "048123456")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (card.holder, card.valid_until),
            (iin(AIGERIM), Some(date!(2029 - 03 - 11)))
        );
        assert!(
            registries
                .document(StateDocumentKind::BirthCertificate, &longest)
                .await
                .unwrap()
                .is_some()
        );
    }

    /// An identity card, a passport and a birth certificate; nobody has a person row.
    const DOCUMENTS: &str = r#"{"type":"document","kind":"ID_CARD","number":"048123456","holderIin":"871008401427","issuedOn":"2019-03-12","validUntil":"2029-03-11","invalidatedOn":null}
{"type":"document","kind":"PASSPORT","number":"N13582046","holderIin":"850315300019","issuedOn":"2025-05-20","validUntil":"2035-05-19"}
{"type":"document","kind":"BIRTH_CERTIFICATE","number":"I-АЛ № 0412583","holderIin":"120914600121","issuedOn":"2012-09-21","validUntil":null}
"#;

    #[tokio::test]
    async fn documents_are_written_once_by_kind_and_number_and_updated_from_the_registry() {
        let db = db().await;
        assert_eq!(
            import(&db, DOCUMENTS, NOW).await.unwrap(),
            ImportReport {
                documents_created: 3,
                ..ImportReport::default()
            }
        );
        let before = state_document::Entity::find().all(&db).await.unwrap();

        // Again, the numbers written differently: nothing changes, not even an id.
        let respelled = DOCUMENTS
            .replace(r#""N13582046""#, r#"" n13582046 ""#)
            .replace("I-АЛ № 0412583", "i-ал  №  0412583");
        for text in [DOCUMENTS, respelled.as_str()] {
            assert_eq!(
                import(&db, text, NOW).await.unwrap(),
                ImportReport {
                    documents_unchanged: 3,
                    ..ImportReport::default()
                },
                "{text}"
            );
        }
        assert_eq!(
            state_document::Entity::find().all(&db).await.unwrap(),
            before
        );

        // Aigerim declares her card lost; the passport's holder is corrected.
        let changed = DOCUMENTS
            .replace(r#""invalidatedOn":null"#, r#""invalidatedOn":"2026-11-20""#)
            .replace(
                r#""holderIin":"850315300019""#,
                r#""holderIin":"880422400230""#,
            );
        assert_eq!(
            import(&db, &changed, NOW).await.unwrap(),
            ImportReport {
                documents_updated: 2,
                documents_unchanged: 1,
                ..ImportReport::default()
            }
        );
        assert_eq!(document_count(&db).await, 3, "no duplicates");
        let registries = LocalRegistries::new(db);
        let card = registries
            .document(StateDocumentKind::IdCard, "048123456")
            .await
            .unwrap();
        assert_eq!(
            card.as_ref().and_then(|c| c.invalidated_on),
            Some(date!(2026 - 11 - 20))
        );
        assert_eq!(
            StateDocument::identifies(card.as_ref(), &iin(AIGERIM), NOW.date()),
            Err(crate::registries::DocumentMismatch::NotValid)
        );
        assert!(
            registries
                .documents_of(&iin(ERLAN))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            registries.documents_of(&iin(MADINA)).await.unwrap().len(),
            1
        );
    }
}
