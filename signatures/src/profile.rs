//! The NCA RK certificate profile: who a certificate names and what its key may do.
//!
//! Facts from NCA RK's published certificates (see `nca-test-vectors/README.md`): the subject's
//! `serialNumber` holds `IIN` + 12 digits, a legal entity's `OU` holds `BIN` + 12 digits,
//! `SURNAME` and `GIVENNAME` (the patronymic) complete the person's name, and the holder's role
//! is an extended-key-usage OID under 1.2.398.3.3.4.1 (older certificates also state it as a
//! policy under 1.2.398.3.3.2).

use crate::cert::Certificate;
use crate::oid;
use serde::Serialize;

/// What a key may be used for, as NCALayer's key types name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Signing documents (NCALayer's `SIGNATURE` key type).
    Sign,
    /// Signing in (NCALayer's `AUTHENTICATION` key type).
    Auth,
}

impl Purpose {
    /// The purpose's name as the CLI and reports spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Sign => "sign",
            Purpose::Auth => "auth",
        }
    }

    /// Parses `sign` or `auth`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "sign" => Some(Purpose::Sign),
            "auth" => Some(Purpose::Auth),
            _ => None,
        }
    }
}

/// The holder's role, from NCA RK's role OIDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// A natural person (1.2.398.3.3.4.1.1).
    Individual,
    /// An employee of a legal entity, in general (1.2.398.3.3.4.1.2).
    LegalEntity,
    /// The head of the legal entity (1.2.398.3.3.4.1.2.1).
    Ceo,
    /// A person who may sign for the legal entity (1.2.398.3.3.4.1.2.2).
    MaySign,
    /// A person who may sign financial documents (1.2.398.3.3.4.1.2.3).
    MaySignFinancial,
    /// A human-resources officer (1.2.398.3.3.4.1.2.4).
    HumanResources,
    /// An employee (1.2.398.3.3.4.1.2.5).
    Employee,
}

const ROLE_OIDS: &[(&str, Role)] = &[
    ("1.2.398.3.3.4.1.1", Role::Individual),
    ("1.2.398.3.3.4.1.2", Role::LegalEntity),
    ("1.2.398.3.3.4.1.2.1", Role::Ceo),
    ("1.2.398.3.3.4.1.2.2", Role::MaySign),
    ("1.2.398.3.3.4.1.2.3", Role::MaySignFinancial),
    ("1.2.398.3.3.4.1.2.4", Role::HumanResources),
    ("1.2.398.3.3.4.1.2.5", Role::Employee),
];

/// Older certificates state the holder kind as a policy instead of (or beside) a role EKU.
const POLICY_ROLES: &[(&str, Role)] = &[
    ("1.2.398.3.3.2.1", Role::LegalEntity),
    ("1.2.398.3.3.2.3", Role::Individual),
    ("1.2.398.3.3.2.4", Role::Individual),
];

/// The person (or organisation) a certificate names, read per the NCA RK profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Signer {
    /// The IIN (12 digits), from the subject's `serialNumber` `IIN…`.
    pub iin: Option<String>,
    /// Whether the IIN's check digit holds (the NCA test PKI uses IINs where it does not).
    pub iin_checksum_valid: Option<bool>,
    /// The BIN (12 digits) of a legal entity, from the subject's `OU` `BIN…`.
    pub bin: Option<String>,
    /// The subject's common name (for a person: surname and given name).
    pub common_name: Option<String>,
    /// The surname.
    pub surname: Option<String>,
    /// The given name attribute, which NCA RK uses for the patronymic.
    pub given_name: Option<String>,
    /// The organisation of a legal entity.
    pub organization: Option<String>,
    /// The purposes the key serves.
    pub purposes: Vec<Purpose>,
    /// The holder's roles.
    pub roles: Vec<Role>,
    /// The extended key usage OIDs, as the certificate lists them.
    pub extended_key_usage: Vec<String>,
    /// The certificate policy OIDs.
    pub policies: Vec<String>,
}

impl Signer {
    /// Reads the profile of a certificate.
    pub fn from_certificate(certificate: &Certificate) -> Self {
        let subject = &certificate.subject;
        let iin = subject
            .first(oid::AT_SERIAL_NUMBER)
            .and_then(|s| twelve_digits(s, "IIN"));
        let bin = subject
            .rdns
            .iter()
            .flatten()
            .filter(|a| a.oid == oid::AT_ORG_UNIT)
            .find_map(|a| twelve_digits(&a.value, "BIN"));
        let eku = certificate.extended_key_usage.clone().unwrap_or_default();
        // A role may be named twice (as an EKU and as a policy), not always next to each
        // other in the two tables: each is listed once, in the tables' order.
        let mut roles: Vec<Role> = Vec::new();
        for &(role_oid, role) in ROLE_OIDS.iter().chain(POLICY_ROLES) {
            let named = eku.iter().any(|o| o == role_oid)
                || certificate.policies.iter().any(|p| p == role_oid);
            if named && !roles.contains(&role) {
                roles.push(role);
            }
        }
        let purposes = [Purpose::Sign, Purpose::Auth]
            .into_iter()
            .filter(|&p| serves(certificate, p))
            .collect();
        Signer {
            iin_checksum_valid: iin.as_deref().map(check_digit_holds),
            iin,
            bin,
            common_name: subject.first(oid::AT_COMMON_NAME).map(str::to_owned),
            surname: subject.first(oid::AT_SURNAME).map(str::to_owned),
            given_name: subject.first(oid::AT_GIVEN_NAME).map(str::to_owned),
            organization: subject.first(oid::AT_ORGANIZATION).map(str::to_owned),
            purposes,
            roles,
            extended_key_usage: eku,
            policies: certificate.policies.clone(),
        }
    }
}

fn twelve_digits(value: &str, prefix: &str) -> Option<String> {
    let digits = value.trim().strip_prefix(prefix)?;
    (digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_owned())
}

/// Whether a 12-digit IIN or BIN carries a correct check digit: the algorithm of DOMAIN.md
/// (the same for both numbers).
///
/// The first 11 digits are weighted 1..11 and summed, mod 11; if that gives 10, they are weighted
/// again with 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2; if that gives 10 too, the number is invalid;
/// otherwise the result must equal the 12th digit. Anything but exactly 12 ASCII digits is
/// invalid.
///
/// ```
/// assert!(signatures::check_digit_holds("871008401427")); // an IIN
/// assert!(signatures::check_digit_holds("940140000385")); // a BIN
/// assert!(!signatures::check_digit_holds("821214240092"));
/// ```
pub fn check_digit_holds(number: &str) -> bool {
    // DOMAIN: IIN/BIN check digit
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 12 || number.len() != 12 {
        return false;
    }
    let weighted = |weights: [u32; 11]| -> u32 {
        digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11
    };
    let mut check = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    if check == 10 {
        check = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    }
    check != 10 && digits.get(11) == Some(&check)
}

/// Whether a certificate's key serves a purpose.
///
/// `sign`: keyUsage digitalSignature or nonRepudiation, and an EKU that is absent or holds
/// emailProtection. `auth`: EKU clientAuth, or NCA's combined keys (GOST 2015 certificates
/// whose keyUsage holds both nonRepudiation and keyEncipherment).
pub(crate) fn serves(certificate: &Certificate, purpose: Purpose) -> bool {
    let eku = certificate.extended_key_usage.as_deref();
    let has_eku = |wanted: &str| eku.is_some_and(|list| list.iter().any(|o| o == wanted));
    let ku = certificate.key_usage;
    match purpose {
        Purpose::Sign => {
            let usage = ku.is_none_or(|ku| ku.digital_signature || ku.non_repudiation);
            usage && (eku.is_none() || has_eku(oid::EKU_EMAIL_PROTECTION))
        }
        Purpose::Auth => {
            has_eku(oid::EKU_CLIENT_AUTH)
                || ku.is_some_and(|ku| ku.non_repudiation && ku.key_encipherment)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_follow_the_domain_samples() {
        // DOMAIN: IIN/BIN check digit
        for valid in [
            "871008401427",
            "760212350620",
            "061211600012",
            "940140000385",
        ] {
            assert!(check_digit_holds(valid), "{valid}");
        }
        for invalid in [
            "821214240092",
            "123456789011",
            "12345678901",
            "1234567890123",
            "12345678901a",
            " 87100840142",
        ] {
            assert!(!check_digit_holds(invalid), "{invalid}");
        }
        // Both passes give 10 for these 11 digits (weights 1..11: 131 mod 11; weights
        // 3..11,1,2: 54 mod 11): invalid whatever the 12th digit.
        for last in '0'..='9' {
            let number = format!("90010100092{last}");
            assert!(!check_digit_holds(&number), "{number}");
        }
    }

    #[test]
    fn reads_prefixed_numbers() {
        assert_eq!(
            twelve_digits("IIN123456789011", "IIN").as_deref(),
            Some("123456789011")
        );
        assert_eq!(twelve_digits("BIN123456789021", "IIN"), None);
        assert_eq!(twelve_digits("IIN12345678901", "IIN"), None);
    }
}
