//! Loading the registry mirror (persons, real-estate objects and their owners) from a JSON Lines
//! file or a JSON array: the `registration-api import FILE` command and the demo data set.
//!
//! # The file
//!
//! One JSON object per line; blank lines and lines starting with `//` are ignored. Two kinds of
//! row, told apart by `type`:
//!
//! ```text
//! {"type":"person","iin":"871008401427","surname":"СЕЙТОВА","givenName":"АЙГЕРІМ",
//!  "patronymic":"БОЛАТҚЫЗЫ","phone":"+77017234518"}
//! {"type":"property","rka":"0201900148270042","address":"…","area":"54.30","kind":"APARTMENT",
//!  "administrationBin":null,"owners":[{"iin":"871008401427","share":"1/1"}]}
//! ```
//!
//! (each row on one line in the file). `patronymic`, `phone` and `administrationBin` may be
//! `null` or left out; `kind` is `HOUSE`, `APARTMENT`, `DACHA` or `HOSTEL`; an owner has either
//! `iin` (a person) or `bin` (an organisation), and a `share` written as a fraction. The area is
//! a string, not a JSON number, because a binary float cannot hold most decimals exactly. Names
//! and addresses are free text: a control character or a bidirectional override refuses the
//! row. The same rows may instead be the elements of one JSON array, over as many lines as they
//! like; a problem is then reported at the line its element starts on.
//!
//! # All or nothing
//!
//! Every row is validated before anything is written. If any row is bad, the report lists every
//! problem with its line number and nothing at all is written, so a file is never half-loaded;
//! otherwise the whole file is written in one transaction.
//!
//! # Idempotent
//!
//! Persons are matched by IIN and properties by RKA: a known one is updated (a property's owners
//! are replaced by the file's), a new one created, and one that already matches the file is left
//! alone, so importing the same file twice changes nothing the second time.
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
/// co-owned flat, a house with three co-owners, a hostel with an administration).
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
    use entities::{person, real_estate_owner};
    use sea_orm::{ActiveModelTrait, PaginatorTrait, Set};
    use uuid::Uuid;

    use super::*;
    use crate::database;
    use crate::domain::{Area, Bin, Iin, PhoneNumber, Rka};
    use crate::registries::{
        LocalRegistries, MobileDatabase, Owner, Ownership, PopulationRegistry, Property,
        PropertyKind, PropertyRegistry, Share,
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

    fn iin(text: &str) -> Iin {
        Iin::parse(text).unwrap()
    }

    const AIGERIM: &str = "871008401427";
    const NURLAN: &str = "760212350620";
    const DANA: &str = "061211600012";

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
             properties 4 created, 0 updated, 0 unchanged"
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
            (3, r#"row: its "type" must be "person" or "property""#),
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
                "row: unknown field `email`, expected one of `iin`, `surname`, `givenName`, `patronymic`, `phone`",
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
        assert_eq!(report.persons_created, 7);
        assert_eq!(report.properties_created, 4);
        assert_eq!(load_demo_data_if_empty(&db, NOW).await.unwrap(), None);

        // The demo PKI's people are there with their phones, and the properties the walk-through
        // relies on: Aigerim's flat, the co-owned flat, the house with three co-owners, the
        // hostel with an administration.
        let registries = LocalRegistries::new(db.clone());
        for person in [AIGERIM, NURLAN, DANA, "850315300019"] {
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
        let hostel = owners_of("0101300211840015").await;
        assert_eq!(hostel.kind, PropertyKind::Hostel);
        assert_eq!(
            hostel.administration,
            Some(Bin::parse("940140000385").unwrap())
        );
        assert!(hostel.owners.is_empty());

        // Importing the file again (the CLI on a demo database) changes nothing.
        let again = import(&db, DEMO_DATA, NOW).await.unwrap();
        assert_eq!(
            (again.persons_unchanged, again.properties_unchanged),
            (7, 4)
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
}
