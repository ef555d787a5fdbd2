//! Validating the rows as written: each field by its domain type, reported by name, then the
//! rules across fields (a hostel's administration, the owners' shares) and across rows (one row
//! per IIN and per RKA).

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use super::report::ImportError;
use crate::domain::{Area, Bin, DomainError, Iin, PhoneNumber, Rka, Text};
use crate::registries::{Owner, Ownership, PropertyKind, Share};

/// The longest name (surname, given name or patronymic) accepted, in characters. A sanity
/// bound, not a legal one: it catches a shifted column, not a real name.
const MAX_NAME_CHARS: usize = 100;
/// The longest address accepted, in characters; a sanity bound like [`MAX_NAME_CHARS`].
const MAX_ADDRESS_CHARS: usize = 500;

/// A row as written in the file, before validation: every value is still text, so that each
/// field can be checked by its domain type and reported by name.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(super) enum RawRow {
    Person(RawPerson),
    Property(RawProperty),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct RawPerson {
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
pub(super) struct RawProperty {
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

/// One record of the file as read: the line it starts on, and the row as written in it or why
/// it is not a row.
pub(super) type Record = (usize, Result<RawRow, String>);

/// A validated row.
pub(super) enum Row {
    Person(PersonRow),
    Property(PropertyRow),
}

pub(super) struct PersonRow {
    pub(super) iin: Iin,
    pub(super) surname: String,
    pub(super) given_name: String,
    pub(super) patronymic: Option<String>,
    pub(super) phone: Option<PhoneNumber>,
}

pub(super) struct PropertyRow {
    pub(super) rka: Rka,
    pub(super) address: String,
    pub(super) area: Area,
    pub(super) kind: PropertyKind,
    pub(super) administration: Option<Bin>,
    pub(super) owners: Vec<Ownership>,
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

/// Validates every row read from the file: the good rows, and every problem of the bad ones
/// (a record that is not a row at all is reported under `row`).
pub(super) fn validate(records: Vec<Record>) -> (Vec<Row>, Vec<ImportError>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    // The first line of each IIN and RKA, to refuse a second row for the same one: which of the
    // two should win is not for the importer to guess.
    let mut persons_seen: HashMap<String, usize> = HashMap::new();
    let mut properties_seen: HashMap<String, usize> = HashMap::new();
    for (line, raw) in records {
        let mut problems = Problems::new(line);
        match raw {
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

/// Free text (a name, an address) through [`Text`]: trimmed, not blank, at most `max_chars`
/// characters, and without a control character (NUL breaks PostgreSQL's text type) or a
/// bidirectional override (U+202E makes a name read backwards to an officer). The messages
/// are the importer's, and never quote the text.
fn free_text(input: &str, max_chars: usize) -> Result<String, String> {
    Text::parse(input, max_chars)
        .map(Text::into_string)
        .map_err(|error| match error {
            DomainError::TextEmpty => "must not be blank".to_owned(),
            DomainError::TextTooLong => format!("is too long (at most {max_chars} characters)"),
            DomainError::TextForbiddenCharacter => {
                "must not contain control or bidirectional-override characters".to_owned()
            }
            other => other.to_string(),
        })
}

/// A name (surname, given name or patronymic).
fn name(text: &str) -> Result<String, String> {
    free_text(text, MAX_NAME_CHARS)
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
    let address = problems.check("address", free_text(&raw.address, MAX_ADDRESS_CHARS));
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

#[cfg(test)]
mod tests {
    use super::*;

    const AIGERIM: &str = "871008401427";

    fn person(surname: &str, given_name: &str, patronymic: Option<&str>) -> RawPerson {
        RawPerson {
            iin: AIGERIM.to_owned(),
            surname: surname.to_owned(),
            given_name: given_name.to_owned(),
            patronymic: patronymic.map(str::to_owned),
            phone: None,
        }
    }

    fn problems_of(validated: impl FnOnce(&mut Problems) -> bool) -> Vec<String> {
        let mut problems = Problems::new(7);
        let valid = validated(&mut problems);
        assert_eq!(valid, problems.errors.is_empty());
        assert!(problems.errors.iter().all(|e| e.line == 7));
        problems.errors.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn names_refuse_control_and_bidi_override_characters() {
        let forbidden = "must not contain control or bidirectional-override characters";
        let refused = problems_of(|problems| {
            validate_person(
                person("СЕЙТ\0ОВА", "\u{202E}МІРЕГЙА", Some("БОЛАТ\u{1b}[31mҚЫЗЫ")),
                problems,
            )
            .is_some()
        });
        assert_eq!(
            refused,
            [
                format!("surname: {forbidden}"),
                format!("givenName: {forbidden}"),
                format!("patronymic: {forbidden} (use null when there is none)"),
            ]
        );
        // Neither is quoted back: the messages may end up in logs.
        assert!(
            refused
                .iter()
                .all(|m| !m.contains('\0') && !m.contains('\u{202E}'))
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded_in_characters() {
        let long = "Ж".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(
            problems_of(
                |problems| validate_person(person(" ", &long, Some("")), problems).is_some()
            ),
            [
                "surname: must not be blank",
                "givenName: is too long (at most 100 characters)",
                "patronymic: must not be blank (use null when there is none)",
            ]
        );
        let mut problems = Problems::new(1);
        let row = validate_person(
            person(" СЕЙТОВА ", &"Ж".repeat(MAX_NAME_CHARS), None),
            &mut problems,
        );
        let row = row.unwrap();
        assert_eq!(row.surname, "СЕЙТОВА");
        assert_eq!(row.given_name.chars().count(), MAX_NAME_CHARS);
        assert_eq!(row.patronymic, None);
    }

    #[test]
    fn addresses_refuse_control_and_bidi_override_characters() {
        let property = |address: &str| RawProperty {
            rka: "42".to_owned(),
            address: address.to_owned(),
            area: "54.30".to_owned(),
            kind: "APARTMENT".to_owned(),
            administration_bin: None,
            owners: vec![RawOwner {
                iin: Some(AIGERIM.to_owned()),
                bin: None,
                share: "1/1".to_owned(),
            }],
        };
        for bad in [
            "Алматы\0, пр. Абая, 150",
            "Алматы, кв. \u{202E}24",
            "Алматы,\nкв. 42",
        ] {
            assert_eq!(
                problems_of(|problems| validate_property(property(bad), problems).is_some()),
                ["address: must not contain control or bidirectional-override characters"],
                "{bad:?}"
            );
        }
        assert_eq!(
            problems_of(|problems| {
                validate_property(property(&"д".repeat(MAX_ADDRESS_CHARS + 1)), problems).is_some()
            }),
            ["address: is too long (at most 500 characters)"]
        );
        let mut problems = Problems::new(1);
        let row = validate_property(property("  Алматы, пр. Абая, 150, кв. 42 "), &mut problems);
        assert_eq!(row.unwrap().address, "Алматы, пр. Абая, 150, кв. 42");
    }
}
