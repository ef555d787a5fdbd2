//! Loading the registry mirror (persons, real-estate objects and their owners) from a JSON Lines
//! file: the `registration-api import FILE` command and the demo data set.
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
//! a string, not a JSON number, because a binary float cannot hold most decimals exactly.
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

use std::collections::HashMap;
use std::fmt;

use entities::{person, real_estate_object, real_estate_owner};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::{Area, Bin, Iin, PhoneNumber, Rka};
use crate::registries::{Owner, Ownership, PropertyKind, Share};

/// The demo data set: the demo PKI's people and a few properties (a flat with one owner, a
/// co-owned flat, a house with three co-owners, a hostel with an administration).
pub const DEMO_DATA: &str = include_str!("../../../../demo/data.jsonl");

/// The longest name (surname, given name or patronymic) accepted, in characters. A sanity
/// bound, not a legal one: it catches a shifted column, not a real name.
const MAX_NAME_CHARS: usize = 100;
/// The longest address accepted, in characters; a sanity bound like [`MAX_NAME_CHARS`].
const MAX_ADDRESS_CHARS: usize = 500;

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Persons that were not in the mirror.
    pub persons_created: usize,
    /// Known persons whose data changed.
    pub persons_updated: usize,
    /// Known persons already as the file describes them.
    pub persons_unchanged: usize,
    /// Properties that were not in the mirror.
    pub properties_created: usize,
    /// Known properties whose data or owners changed.
    pub properties_updated: usize,
    /// Known properties already as the file describes them.
    pub properties_unchanged: usize,
    /// Every problem found, in line order. When not empty, nothing was written and the counts
    /// are zero.
    pub errors: Vec<ImportError>,
}

impl ImportReport {
    /// Whether the file was imported (it had no bad row).
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The line in the file, counted from 1 (blank and comment lines count).
    pub line: usize,
    /// What is wrong, naming the field (`owners[1].share: …`). It never quotes an identifier
    /// the domain types refused, as these messages may end up in logs.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// For the CLI: either the counts, or every problem, one per line.
impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.errors.is_empty() {
            write!(
                f,
                "imported: persons {} created, {} updated, {} unchanged; \
                 properties {} created, {} updated, {} unchanged",
                self.persons_created,
                self.persons_updated,
                self.persons_unchanged,
                self.properties_created,
                self.properties_updated,
                self.properties_unchanged,
            )
        } else {
            let rows = {
                let mut lines: Vec<usize> = self.errors.iter().map(|e| e.line).collect();
                lines.dedup();
                lines.len()
            };
            write!(
                f,
                "nothing imported: {} problem(s) on {} line(s)",
                self.errors.len(),
                rows
            )?;
            for error in &self.errors {
                write!(f, "\n{error}")?;
            }
            Ok(())
        }
    }
}

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
    let (rows, errors) = validate(text);
    if !errors.is_empty() {
        return Ok(ImportReport {
            errors,
            ..ImportReport::default()
        });
    }
    let txn = db.begin().await?;
    let mut report = ImportReport::default();
    for row in &rows {
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

// ---------------------------------------------------------------------------------------------
// Reading and validating

/// A row as written in the file, before validation: every value is still text, so that each
/// field can be checked by its domain type and reported by name.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum RawRow {
    Person(RawPerson),
    Property(RawProperty),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPerson {
    iin: String,
    surname: String,
    given_name: String,
    #[serde(default)]
    patronymic: Option<String>,
    #[serde(default)]
    phone: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawProperty {
    rka: String,
    address: String,
    area: String,
    kind: String,
    #[serde(default)]
    administration_bin: Option<String>,
    owners: Vec<RawOwner>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOwner {
    #[serde(default)]
    iin: Option<String>,
    #[serde(default)]
    bin: Option<String>,
    share: String,
}

/// A validated row.
enum Row {
    Person(PersonRow),
    Property(PropertyRow),
}

struct PersonRow {
    iin: Iin,
    surname: String,
    given_name: String,
    patronymic: Option<String>,
    phone: Option<PhoneNumber>,
}

struct PropertyRow {
    rka: Rka,
    address: String,
    area: Area,
    kind: PropertyKind,
    administration: Option<Bin>,
    owners: Vec<Ownership>,
}

/// The problems of one row, each prefixed with the field it concerns.
struct Problems {
    line: usize,
    errors: Vec<ImportError>,
}

impl Problems {
    fn new(line: usize) -> Self {
        Self {
            line,
            errors: Vec::new(),
        }
    }

    fn add(&mut self, field: &str, message: impl fmt::Display) {
        self.errors.push(ImportError {
            line: self.line,
            message: format!("{field}: {message}"),
        });
    }

    /// The value if it parsed; otherwise the error is recorded under `field`.
    fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|error| self.add(field, error)).ok()
    }
}

/// The records of a file, each with the line it starts on: one JSON object per line (JSON
/// Lines; blank lines and `//` comments skipped), or the elements of one JSON array.
fn records(text: &str) -> Result<Vec<(usize, &str)>, ImportError> {
    let body = text.trim_start();
    if !body.starts_with('[') {
        return Ok(text
            .lines()
            .enumerate()
            .map(|(index, content)| (index + 1, content.trim()))
            .filter(|(_, content)| !content.is_empty() && !content.starts_with("//"))
            .collect());
    }
    let line_of = |offset: usize| {
        text.get(..offset)
            .map_or(1, |before| before.matches('\n').count() + 1)
    };
    let open = text.len() - body.len();
    let mut records = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut element: Option<usize> = None;
    // Top-level elements end at a comma or the closing bracket outside strings and nesting; the
    // delimiters are ASCII, so every slice falls on character boundaries.
    for (offset, byte) in text.bytes().enumerate().skip(open + 1) {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                element.get_or_insert(offset);
            }
            b'{' | b'[' => {
                depth += 1;
                element.get_or_insert(offset);
            }
            b'}' | b']' if depth > 0 => depth -= 1,
            b',' | b']' if depth == 0 => {
                if let Some(start) = element.take() {
                    records.push((
                        line_of(start),
                        text.get(start..offset).unwrap_or_default().trim(),
                    ));
                }
                if byte == b']' {
                    let rest = text.get(offset + 1..).unwrap_or_default();
                    if !rest.trim().is_empty() {
                        return Err(ImportError {
                            line: line_of(offset),
                            message: "row: text after the closing bracket of the array".to_owned(),
                        });
                    }
                    return Ok(records);
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => {
                element.get_or_insert(offset);
            }
        }
    }
    Err(ImportError {
        line: line_of(text.len()),
        message: "row: the JSON array is not closed".to_owned(),
    })
}

/// Parses and validates every row: the good rows, and every problem of the bad ones.
fn validate(text: &str) -> (Vec<Row>, Vec<ImportError>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    // The first line of each IIN and RKA, to refuse a second row for the same one: which of the
    // two should win is not for the importer to guess.
    let mut persons_seen: HashMap<String, usize> = HashMap::new();
    let mut properties_seen: HashMap<String, usize> = HashMap::new();
    // Editors on Windows may save UTF-8 with a byte-order mark; it is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = match records(text) {
        Ok(records) => records,
        Err(error) => return (Vec::new(), vec![error]),
    };
    for (line, content) in records {
        let mut problems = Problems::new(line);
        match parse_row(content) {
            Err(message) => problems.add("row", message),
            Ok(RawRow::Person(raw)) => {
                if let Some(person) = validate_person(raw, &mut problems) {
                    match persons_seen.get(person.iin.as_str()) {
                        Some(first) => problems
                            .add("iin", format!("the same person is already on line {first}")),
                        None => {
                            persons_seen.insert(person.iin.as_str().to_owned(), line);
                            rows.push(Row::Person(person));
                        }
                    }
                }
            }
            Ok(RawRow::Property(raw)) => {
                if let Some(property) = validate_property(raw, &mut problems) {
                    match properties_seen.get(property.rka.as_str()) {
                        Some(first) => problems.add(
                            "rka",
                            format!("the same property is already on line {first}"),
                        ),
                        None => {
                            properties_seen.insert(property.rka.as_str().to_owned(), line);
                            rows.push(Row::Property(property));
                        }
                    }
                }
            }
        }
        errors.append(&mut problems.errors);
    }
    (rows, errors)
}

/// The row as written, or why it is not a row. The JSON is parsed before the row's shape is
/// checked so that a syntax error can point at its column (serde loses positions while it
/// buffers an internally tagged enum), and so that an unknown `type` gets a plain message.
fn parse_row(content: &str) -> Result<RawRow, String> {
    let value: serde_json::Value = serde_json::from_str(content).map_err(|error| {
        // serde_json says "at line 1 column N"; the line is the file's, so keep the column only.
        let message = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        format!("not valid JSON: {message} (column {})", error.column())
    })?;
    if !value.is_object() {
        return Err("must be a JSON object".to_owned());
    }
    match value.get("type").and_then(serde_json::Value::as_str) {
        Some("person" | "property") => {
            serde_json::from_value(value).map_err(|error| error.to_string())
        }
        _ => Err(r#"its "type" must be "person" or "property""#.to_owned()),
    }
}

/// A name: trimmed, not blank, not absurdly long.
fn name(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        Err("must not be blank")
    } else if text.chars().count() > MAX_NAME_CHARS {
        Err("is too long (at most 100 characters)")
    } else {
        Ok(text.to_owned())
    }
}

fn validate_person(raw: RawPerson, problems: &mut Problems) -> Option<PersonRow> {
    // Strict parsing: the registry mirror holds real IINs, so a test certificate's IIN that
    // fails the check digit (see `Iin::from_certificate`) is refused here.
    let iin = problems.check("iin", Iin::parse(&raw.iin));
    let surname = problems.check("surname", name(&raw.surname));
    let given_name = problems.check("givenName", name(&raw.given_name));
    let patronymic = match raw.patronymic.as_deref().map(name).transpose() {
        Ok(patronymic) => Some(patronymic),
        Err(error) => {
            problems.add(
                "patronymic",
                format!("{error} (use null when there is none)"),
            );
            None
        }
    };
    let phone = match raw.phone.as_deref().map(PhoneNumber::parse).transpose() {
        Ok(phone) => Some(phone),
        Err(error) => {
            problems.add("phone", error);
            None
        }
    };
    Some(PersonRow {
        iin: iin?,
        surname: surname?,
        given_name: given_name?,
        patronymic: patronymic?,
        phone: phone?,
    })
}

fn validate_property(raw: RawProperty, problems: &mut Problems) -> Option<PropertyRow> {
    let rka = problems.check("rka", Rka::parse(&raw.rka));
    let address = {
        let address = raw.address.trim();
        if address.is_empty() {
            problems.add("address", "must not be blank");
            None
        } else if address.chars().count() > MAX_ADDRESS_CHARS {
            problems.add("address", "is too long (at most 500 characters)");
            None
        } else {
            Some(address.to_owned())
        }
    };
    let area = problems.check("area", Area::parse(&raw.area));
    let kind = PropertyKind::parse(raw.kind.trim());
    if kind.is_none() {
        problems.add("kind", "must be one of HOUSE, APARTMENT, DACHA, HOSTEL");
    }
    let administration = match raw
        .administration_bin
        .as_deref()
        .map(Bin::parse)
        .transpose()
    {
        Ok(administration) => Some(administration),
        Err(error) => {
            problems.add("administrationBin", error);
            None
        }
    };
    // DOMAIN: organisation administration (hostels, dormitories) replaces the owner's consent
    match (kind, &raw.administration_bin) {
        (Some(PropertyKind::Hostel), None) => problems.add(
            "administrationBin",
            "a HOSTEL needs the BIN of the organisation whose administration consents",
        ),
        // Anywhere else it would wrongly stand in for the owners' consent.
        (Some(other), Some(_)) if other != PropertyKind::Hostel => problems.add(
            "administrationBin",
            "only a HOSTEL has an administration; use null",
        ),
        _ => {}
    }
    let owners = validate_owners(&raw.owners, problems);
    // DOMAIN: the owner (or every co-owner) consents; only a hostel's administration may stand
    // in for them, so only a hostel may have no owner in the mirror.
    if raw.owners.is_empty()
        && !(kind == Some(PropertyKind::Hostel) && raw.administration_bin.is_some())
    {
        problems.add(
            "owners",
            "at least one owner is required (only a HOSTEL with an administration may have none)",
        );
    }
    Some(PropertyRow {
        rka: rka?,
        address: address?,
        area: area?,
        kind: kind?,
        administration: administration?,
        owners: owners?,
    })
}

/// The owners, if every one is valid, they are distinct, and their shares make up the whole.
fn validate_owners(raw: &[RawOwner], problems: &mut Problems) -> Option<Vec<Ownership>> {
    let mut owners = Vec::with_capacity(raw.len());
    let mut all_valid = true;
    let mut seen: HashMap<Owner, usize> = HashMap::new();
    for (index, raw) in raw.iter().enumerate() {
        let field = format!("owners[{index}]");
        let owner = match (&raw.iin, &raw.bin) {
            (Some(iin), None) => problems
                .check(&format!("{field}.iin"), Iin::parse(iin))
                .map(Owner::Person),
            (None, Some(bin)) => problems
                .check(&format!("{field}.bin"), Bin::parse(bin))
                .map(Owner::Organisation),
            _ => {
                problems.add(
                    &field,
                    "give exactly one of iin (a person) or bin (an organisation)",
                );
                None
            }
        };
        let share = problems.check(&format!("{field}.share"), Share::parse(&raw.share));
        match (owner, share) {
            (Some(owner), Some(share)) => {
                // DOMAIN: several owners: every co-owner consents, so each is listed once
                if let Some(first) = seen.get(&owner) {
                    problems.add(&field, format!("the same owner is already owners[{first}]"));
                    all_valid = false;
                } else {
                    seen.insert(owner.clone(), index);
                    owners.push(Ownership { owner, share });
                }
            }
            _ => all_valid = false,
        }
    }
    if !all_valid {
        return None;
    }
    if owners.is_empty() {
        // Whether that is allowed depends on the kind; the caller decides.
        return Some(owners);
    }
    // DOMAIN: co-owners' shares make up the whole object, so no co-owner (whose consent is
    // required) can be missing from the list.
    match Share::sum(owners.iter().map(|o| o.share)) {
        Ok((numerator, denominator)) if numerator == denominator => Some(owners),
        Ok((numerator, denominator)) => {
            problems.add(
                "owners",
                format!("the shares must add up to exactly 1, not {numerator}/{denominator}"),
            );
            None
        }
        Err(error) => {
            problems.add("owners", error);
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

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
    const NOW: OffsetDateTime = time::macros::datetime!(2026-11-25 10:00 UTC);
    use super::*;
    use crate::database;
    use crate::registries::{
        LocalRegistries, MobileDatabase, PopulationRegistry, Property, PropertyRegistry,
    };
    use sea_orm::PaginatorTrait;

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
