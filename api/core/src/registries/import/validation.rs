//! Validating the rows as written: each field by its domain type, reported by name, then the
//! rules across fields (a hostel's administration, the owners' shares, the tenants of rental
//! housing, the dates of a power of attorney or of a document the state issued) and across rows
//! (one row per IIN, RKA, BIN, power-of-attorney number and document kind and number).

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use time::Date;
use time::macros::format_description;

use super::report::ImportError;
use crate::domain::{Area, Bin, DomainError, Iin, PhoneNumber, Rka, Text};
use crate::registries::{
    LegalRepresentation, Organisation, Owner, Ownership, PowerOfAttorney, PropertyKind,
    RepresentationBasis, Share, StateDocument, StateDocumentKind, Tenant,
};

/// The longest name (surname, given name or patronymic) accepted, in characters. A sanity
/// bound, not a legal one: it catches a shifted column, not a real name.
const MAX_NAME_CHARS: usize = 100;
/// The longest address accepted, in characters; a sanity bound like [`MAX_NAME_CHARS`].
const MAX_ADDRESS_CHARS: usize = 500;
/// The longest organisation name accepted, in characters; a sanity bound like
/// [`MAX_NAME_CHARS`] (registered names with their legal form run to a few hundred).
const MAX_ORGANISATION_NAME_CHARS: usize = 500;
/// The longest power-of-attorney number accepted, in characters: the width of
/// `power_of_attorney.number`.
const MAX_POWER_NUMBER_CHARS: usize = 64;
/// The longest document number accepted, in characters (series included): the width of
/// `state_document.number`.
const MAX_DOCUMENT_NUMBER_CHARS: usize = 32;

/// The role OIDs an administration's consenting key may be required to hold (NCA RK's legal
/// entity roles), in the order they are stored: the head, a person who may sign for the
/// organisation, an employee (commandants usually hold employee keys). The same three are
/// the service's default (`service::consents::DEFAULT_ADMINISTRATION_ROLES`), used when a
/// row leaves them out.
const CONSENT_ROLE_OIDS: [&str; 3] = [
    "1.2.398.3.3.4.1.2.1",
    "1.2.398.3.3.4.1.2.2",
    "1.2.398.3.3.4.1.2.5",
];

/// A row as written in the file, before validation: every value is still text, so that each
/// field can be checked by its domain type and reported by name.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub(super) enum RawRow {
    Person(RawPerson),
    Property(RawProperty),
    Organisation(RawOrganisation),
    PowerOfAttorney(RawPowerOfAttorney),
    Document(RawDocument),
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
    #[serde(default)]
    legal_representatives: Option<Vec<RawRepresentative>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepresentative {
    iin: String,
    basis: String,
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
    #[serde(default)]
    tenants: Option<Vec<RawTenant>>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTenant {
    iin: String,
    #[serde(default)]
    household: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct RawOrganisation {
    bin: String,
    name: String,
    #[serde(default)]
    consent_role_oids: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct RawPowerOfAttorney {
    number: String,
    issued_on: String,
    valid_until: String,
    principal_iin: String,
    attorney_iin: String,
    #[serde(default)]
    revoked_on: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct RawDocument {
    kind: String,
    number: String,
    holder_iin: String,
    issued_on: String,
    #[serde(default)]
    valid_until: Option<String>,
    #[serde(default)]
    invalidated_on: Option<String>,
}

/// One record of the file as read: the line it starts on, and the row as written in it or why
/// it is not a row.
pub(super) type Record = (usize, Result<RawRow, String>);

/// A validated row.
pub(super) enum Row {
    Person(PersonRow),
    Property(PropertyRow),
    Organisation(Organisation),
    PowerOfAttorney(PowerOfAttorney),
    Document(StateDocument),
}

pub(super) struct PersonRow {
    pub(super) iin: Iin,
    pub(super) surname: String,
    pub(super) given_name: String,
    pub(super) patronymic: Option<String>,
    pub(super) phone: Option<PhoneNumber>,
    /// The person's legal representatives (the person is every one's principal); the file's
    /// list replaces the mirror's.
    pub(super) legal_representatives: Vec<LegalRepresentation>,
}

pub(super) struct PropertyRow {
    pub(super) rka: Rka,
    pub(super) address: String,
    pub(super) area: Area,
    pub(super) kind: PropertyKind,
    pub(super) administration: Option<Bin>,
    pub(super) owners: Vec<Ownership>,
    /// Empty unless an organisation owns it (state or municipal rental housing).
    pub(super) tenants: Vec<Tenant>,
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

/// The first line of each key (IIN, RKA, BIN, number) of one kind of row, to refuse a second
/// row for the same one: which of the two should win is not for the importer to guess.
struct Seen {
    /// The field the key is reported under.
    field: &'static str,
    /// What a row of this kind describes, for the message.
    what: &'static str,
    lines: HashMap<String, usize>,
}

impl Seen {
    fn new(field: &'static str, what: &'static str) -> Self {
        Self {
            field,
            what,
            lines: HashMap::new(),
        }
    }

    /// Whether `key` is new; otherwise the problem is recorded.
    fn first(&mut self, key: &str, problems: &mut Problems) -> bool {
        match self.lines.get(key) {
            Some(first) => {
                problems.add(
                    self.field,
                    format!("the same {} is already on line {first}", self.what),
                );
                false
            }
            None => {
                self.lines.insert(key.to_owned(), problems.line);
                true
            }
        }
    }
}

/// Validates every row read from the file: the good rows, and every problem of the bad ones
/// (a record that is not a row at all is reported under `row`).
pub(super) fn validate(records: Vec<Record>) -> (Vec<Row>, Vec<ImportError>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut persons = Seen::new("iin", "person");
    let mut properties = Seen::new("rka", "property");
    let mut organisations = Seen::new("bin", "organisation");
    let mut powers = Seen::new("number", "power of attorney");
    let mut documents = Seen::new("number", "document");
    for (line, raw) in records {
        let mut problems = Problems::new(line);
        match raw {
            Err(message) => problems.add("row", message),
            Ok(RawRow::Person(raw)) => {
                if let Some(person) = validate_person(raw, &mut problems)
                    && persons.first(person.iin.as_str(), &mut problems)
                {
                    rows.push(Row::Person(person));
                }
            }
            Ok(RawRow::Property(raw)) => {
                if let Some(property) = validate_property(raw, &mut problems)
                    && properties.first(property.rka.as_str(), &mut problems)
                {
                    rows.push(Row::Property(property));
                }
            }
            Ok(RawRow::Organisation(raw)) => {
                if let Some(organisation) = validate_organisation(raw, &mut problems)
                    && organisations.first(organisation.bin.as_str(), &mut problems)
                {
                    rows.push(Row::Organisation(organisation));
                }
            }
            Ok(RawRow::PowerOfAttorney(raw)) => {
                if let Some(power) = validate_power_of_attorney(raw, &mut problems)
                    && powers.first(&power.number, &mut problems)
                {
                    rows.push(Row::PowerOfAttorney(power));
                }
            }
            Ok(RawRow::Document(raw)) => {
                // A number is unique within its kind only: an ID card and a passport may
                // share digits.
                if let Some(document) = validate_document(raw, &mut problems)
                    && documents.first(
                        &format!("{} {}", document.kind.as_str(), document.number),
                        &mut problems,
                    )
                {
                    rows.push(Row::Document(document));
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

/// A calendar date written `YYYY-MM-DD` (ISO 8601, four-digit year, no sign).
fn iso_date(input: &str) -> Result<Date, &'static str> {
    const MESSAGE: &str = "must be a real date written YYYY-MM-DD";
    let text = input.trim();
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shape {
        return Err(MESSAGE);
    }
    Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| MESSAGE)
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
    let legal_representatives = iin.as_ref().and_then(|iin| {
        validate_representatives(
            iin,
            raw.legal_representatives.as_deref().unwrap_or_default(),
            problems,
        )
    });
    Some(PersonRow {
        iin: iin?,
        surname: surname?,
        given_name: given_name?,
        patronymic: patronymic?,
        phone: phone?,
        legal_representatives: legal_representatives?,
    })
}

/// A person's legal representatives, if every one is valid, none is the person and none is
/// listed twice.
fn validate_representatives(
    principal: &Iin,
    raw: &[RawRepresentative],
    problems: &mut Problems,
) -> Option<Vec<LegalRepresentation>> {
    let mut representatives = Vec::with_capacity(raw.len());
    let mut all_valid = true;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, raw) in raw.iter().enumerate() {
        let field = format!("legalRepresentatives[{index}]");
        let iin = problems.check(&format!("{field}.iin"), Iin::parse(&raw.iin));
        let basis = RepresentationBasis::parse(raw.basis.trim());
        if basis.is_none() {
            problems.add(
                &format!("{field}.basis"),
                "must be one of PARENT, GUARDIAN, TRUSTEE",
            );
        }
        let (Some(iin), Some(basis)) = (iin, basis) else {
            all_valid = false;
            continue;
        };
        if iin == *principal {
            problems.add(
                &format!("{field}.iin"),
                "a person is not their own legal representative",
            );
            all_valid = false;
        } else if let Some(first) = seen.get(iin.as_str()) {
            problems.add(
                &field,
                format!("the same representative is already legalRepresentatives[{first}]"),
            );
            all_valid = false;
        } else {
            seen.insert(iin.as_str().to_owned(), index);
            representatives.push(LegalRepresentation {
                principal: principal.clone(),
                representative: iin,
                basis,
            });
        }
    }
    all_valid.then_some(representatives)
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
    let tenants = validate_tenants(
        kind,
        &raw.owners,
        raw.tenants.as_deref().unwrap_or_default(),
        problems,
    );
    Some(PropertyRow {
        rka: rka?,
        address: address?,
        area: area?,
        kind: kind?,
        administration: administration?,
        owners: owners?,
        tenants: tenants?,
    })
}

/// The tenants, if there may be any (an organisation owns the dwelling and it is not a hostel),
/// every one is valid and listed once, and every household is valid.
// DOMAIN: owner or tenant: in state or municipal rental housing the tenant consents
fn validate_tenants(
    kind: Option<PropertyKind>,
    owners: &[RawOwner],
    raw: &[RawTenant],
    problems: &mut Problems,
) -> Option<Vec<Tenant>> {
    if raw.is_empty() {
        return Some(Vec::new());
    }
    let mut all_valid = true;
    if kind == Some(PropertyKind::Hostel) {
        // A hostel's administration consents for its residents, who are not tenants.
        problems.add(
            "tenants",
            "a HOSTEL has no tenants: its administration consents",
        );
        all_valid = false;
    } else if !owners.iter().any(|owner| owner.bin.is_some()) {
        problems.add(
            "tenants",
            "only rental housing of the state or a municipality has tenants: \
             at least one owner must be an organisation (bin)",
        );
        all_valid = false;
    }
    let mut tenants = Vec::with_capacity(raw.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, raw) in raw.iter().enumerate() {
        let field = format!("tenants[{index}]");
        let iin = problems.check(&format!("{field}.iin"), Iin::parse(&raw.iin));
        let household = validate_household(
            &field,
            iin.as_ref(),
            raw.household.as_deref().unwrap_or_default(),
            problems,
        );
        let (Some(iin), Some(household)) = (iin, household) else {
            all_valid = false;
            continue;
        };
        if let Some(first) = seen.get(iin.as_str()) {
            problems.add(
                &field,
                format!("the same tenant is already tenants[{first}]"),
            );
            all_valid = false;
        } else {
            seen.insert(iin.as_str().to_owned(), index);
            tenants.push(Tenant { iin, household });
        }
    }
    all_valid.then_some(tenants)
}

/// A tenant's household as the lease names it: valid IINs, each once, the tenant not among
/// them (`tenant` is `None` when the tenant's own IIN was refused).
fn validate_household(
    tenant_field: &str,
    tenant: Option<&Iin>,
    raw: &[String],
    problems: &mut Problems,
) -> Option<Vec<Iin>> {
    let mut household = Vec::with_capacity(raw.len());
    let mut all_valid = true;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, raw) in raw.iter().enumerate() {
        let field = format!("{tenant_field}.household[{index}]");
        let Some(iin) = problems.check(&field, Iin::parse(raw)) else {
            all_valid = false;
            continue;
        };
        if tenant == Some(&iin) {
            problems.add(&field, "the tenant is not listed in their own household");
            all_valid = false;
        } else if let Some(first) = seen.get(iin.as_str()) {
            problems.add(
                &field,
                format!("the same person is already {tenant_field}.household[{first}]"),
            );
            all_valid = false;
        } else {
            seen.insert(iin.as_str().to_owned(), index);
            household.push(iin);
        }
    }
    all_valid.then_some(household)
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

/// An organisation whose administration consents for a hostel it runs, with the role OIDs of
/// which its consenting key must hold one (all three when the row leaves them out).
// DOMAIN: organisation administration replaces the owner's consent
fn validate_organisation(raw: RawOrganisation, problems: &mut Problems) -> Option<Organisation> {
    let bin = problems.check("bin", Bin::parse(&raw.bin));
    let name = problems.check("name", free_text(&raw.name, MAX_ORGANISATION_NAME_CHARS));
    let consent_role_oids = match raw.consent_role_oids.as_deref() {
        None => Some(CONSENT_ROLE_OIDS.map(str::to_owned).to_vec()),
        Some([]) => {
            problems.add(
                "consentRoleOids",
                "must name at least one role (leave the field out for all three)",
            );
            None
        }
        Some(oids) => validate_consent_roles(oids, problems),
    };
    Some(Organisation {
        bin: bin?,
        name: name?,
        consent_role_oids: consent_role_oids?,
    })
}

/// The consent roles if each is one of [`CONSENT_ROLE_OIDS`] and none is listed twice, in the
/// order of that list (so that the stored array does not depend on the file's order).
fn validate_consent_roles(raw: &[String], problems: &mut Problems) -> Option<Vec<String>> {
    let mut all_valid = true;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, oid) in raw.iter().enumerate() {
        let field = format!("consentRoleOids[{index}]");
        let Some(known) = CONSENT_ROLE_OIDS
            .into_iter()
            .find(|known| *known == oid.trim())
        else {
            problems.add(
                &field,
                "must be one of 1.2.398.3.3.4.1.2.1 (the head), 1.2.398.3.3.4.1.2.2 \
                 (may sign for the organisation), 1.2.398.3.3.4.1.2.5 (an employee)",
            );
            all_valid = false;
            continue;
        };
        if let Some(first) = seen.get(known) {
            problems.add(
                &field,
                format!("the same role is already consentRoleOids[{first}]"),
            );
            all_valid = false;
        } else {
            seen.insert(known, index);
        }
    }
    all_valid.then(|| {
        CONSENT_ROLE_OIDS
            .into_iter()
            .filter(|known| seen.contains_key(known))
            .map(str::to_owned)
            .collect()
    })
}

/// A notarised power of attorney as the notaries' registry records it.
// DOMAIN: a representative acts under a notarised power of attorney
fn validate_power_of_attorney(
    raw: RawPowerOfAttorney,
    problems: &mut Problems,
) -> Option<PowerOfAttorney> {
    let number = problems.check("number", free_text(&raw.number, MAX_POWER_NUMBER_CHARS));
    let issued_on = problems.check("issuedOn", iso_date(&raw.issued_on));
    let valid_until = problems.check("validUntil", iso_date(&raw.valid_until));
    let revoked_on = match raw.revoked_on.as_deref().map(iso_date).transpose() {
        Ok(revoked_on) => Some(revoked_on),
        Err(error) => {
            problems.add("revokedOn", error);
            None
        }
    };
    let principal = problems.check("principalIin", Iin::parse(&raw.principal_iin));
    let attorney = problems.check("attorneyIin", Iin::parse(&raw.attorney_iin));
    let mut consistent = true;
    if let (Some(issued_on), Some(valid_until)) = (issued_on, valid_until)
        && valid_until < issued_on
    {
        problems.add("validUntil", "must not be before issuedOn");
        consistent = false;
    }
    if let (Some(issued_on), Some(Some(revoked_on))) = (issued_on, revoked_on)
        && revoked_on < issued_on
    {
        problems.add("revokedOn", "must not be before issuedOn");
        consistent = false;
    }
    if let (Some(principal), Some(attorney)) = (&principal, &attorney)
        && principal == attorney
    {
        problems.add("attorneyIin", "must not be the principal's own IIN");
        consistent = false;
    }
    let power = PowerOfAttorney {
        number: number?,
        issued_on: issued_on?,
        valid_until: valid_until?,
        principal: principal?,
        attorney: attorney?,
        revoked_on: revoked_on?,
    };
    consistent.then_some(power)
}

/// A date field that may be `null` or left out; `None` (the problem recorded) if it is given
/// but not a date, `Some(None)` if it is not given.
fn optional_date(field: &str, raw: Option<&str>, problems: &mut Problems) -> Option<Option<Date>> {
    match raw.map(iso_date).transpose() {
        Ok(date) => Some(date),
        Err(error) => {
            problems.add(field, error);
            None
        }
    }
}

/// A document number as printed, series included: free text (see [`free_text`]) of at most
/// [`MAX_DOCUMENT_NUMBER_CHARS`] characters, upper-cased (the registries look numbers up
/// exactly, and series are printed in capitals), runs of spaces made one, and only letters of
/// any alphabet (a birth certificate's series may be Cyrillic: `I-АЛ № 0123456`), digits,
/// spaces, hyphens and `№`, so that punctuation a column shift would bring in is refused.
fn document_number(input: &str) -> Result<String, String> {
    let text = free_text(input, MAX_DOCUMENT_NUMBER_CHARS)?;
    let number = text
        .split(' ')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    if !number
        .chars()
        .all(|c| c.is_alphabetic() || c.is_ascii_digit() || matches!(c, ' ' | '-' | '№'))
    {
        return Err("may hold only letters, digits, spaces, hyphens and №".to_owned());
    }
    // Upper-casing may lengthen a letter (ß becomes SS).
    if number.chars().count() > MAX_DOCUMENT_NUMBER_CHARS {
        return Err(format!(
            "is too long (at most {MAX_DOCUMENT_NUMBER_CHARS} characters)"
        ));
    }
    Ok(number)
}

/// A document the state issued, as its registry records it: an identity card or passport
/// expires, a birth certificate does not; either may be invalidated (declared lost, replaced)
/// before that.
// DOMAIN: documents the state holds are checked by number, not uploaded
fn validate_document(raw: RawDocument, problems: &mut Problems) -> Option<StateDocument> {
    let kind = StateDocumentKind::parse(raw.kind.trim());
    if kind.is_none() {
        problems.add(
            "kind",
            "must be one of ID_CARD, PASSPORT, BIRTH_CERTIFICATE",
        );
    }
    let number = problems.check("number", document_number(&raw.number));
    // Only parsed, as for a power of attorney's principal and attorney: the registries are
    // loaded separately, so the holder need not be in the same file or in the mirror yet.
    let holder = problems.check("holderIin", Iin::parse(&raw.holder_iin));
    let issued_on = problems.check("issuedOn", iso_date(&raw.issued_on));
    let valid_until = optional_date("validUntil", raw.valid_until.as_deref(), problems);
    let invalidated_on = optional_date("invalidatedOn", raw.invalidated_on.as_deref(), problems);
    let mut consistent = true;
    match (kind, raw.valid_until.is_some()) {
        (Some(kind), false) if kind.is_identity_document() => {
            problems.add(
                "validUntil",
                format!(
                    "required for {}: give the last day it is valid",
                    kind.as_str()
                ),
            );
            consistent = false;
        }
        (Some(StateDocumentKind::BirthCertificate), true) => {
            problems.add(
                "validUntil",
                "a BIRTH_CERTIFICATE does not expire: use null",
            );
            consistent = false;
        }
        _ => {}
    }
    if let (Some(issued_on), Some(Some(valid_until))) = (issued_on, valid_until)
        && valid_until < issued_on
    {
        problems.add("validUntil", "must not be before issuedOn");
        consistent = false;
    }
    if let (Some(issued_on), Some(Some(invalidated_on))) = (issued_on, invalidated_on)
        && invalidated_on < issued_on
    {
        problems.add("invalidatedOn", "must not be before issuedOn");
        consistent = false;
    }
    let document = StateDocument {
        kind: kind?,
        number: number?,
        holder: holder?,
        issued_on: issued_on?,
        valid_until: valid_until?,
        invalidated_on: invalidated_on?,
    };
    consistent.then_some(document)
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
            legal_representatives: None,
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
    fn document_numbers_are_upper_cased_in_any_alphabet_and_keep_to_their_charset() {
        assert_eq!(document_number(" n13582046 ").as_deref(), Ok("N13582046"));
        assert_eq!(
            document_number("i-әл   № 0412583").as_deref(),
            Ok("I-ӘЛ № 0412583")
        );
        let charset = "may hold only letters, digits, spaces, hyphens and №";
        // A no-break space is not a space; Arabic-Indic digits are not digits of a number
        // the registries print.
        for bad in [
            "048.123",
            "048_123",
            "048/123",
            "N1358204\u{663}",
            "048\u{a0}123",
        ] {
            assert_eq!(document_number(bad), Err(charset.to_owned()), "{bad}");
        }
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
            tenants: None,
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
