//! The RKA: the address registration code of the Address Register.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::DomainError;

/// The longest code accepted. Not a rule of the Address Register: a sanity limit, loose enough
/// for any real code, that keeps arbitrary input out of register lookups and the database.
const MAX_DIGITS: usize = 20;

/// An address registration code (RKA): 1 to 20 ASCII digits, kept as written (leading zeros are
/// part of the code).
///
/// Whether the code exists is for the Address Register lookup to say; this type only refuses
/// what cannot be a code at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Rka(String);

impl Rka {
    /// Parses a code, ignoring surrounding whitespace.
    ///
    /// # Errors
    ///
    /// [`DomainError::RkaFormat`] unless the input is 1 to 20 ASCII digits.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let code = input.trim();
        // DOMAIN: RKA is an opaque code of digits; no structure is guessed.
        if (1..=MAX_DIGITS).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(DomainError::RkaFormat)
        }
    }

    /// The code's digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Rka {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Rka {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

parsed_from_text!(Rka);

/// Serialised as a string, never a number, so leading zeros survive.
impl Serialize for Rka {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_digits_up_to_the_limit() {
        // DOMAIN: RKA is an opaque code of digits
        for good in ["0", "1", "0201700250049011", "00000000000000000000"] {
            assert_eq!(Rka::parse(good).unwrap().as_str(), good);
        }
        assert_eq!(
            Rka::parse(" 0201700250049011\n").unwrap().as_str(),
            "0201700250049011"
        );
        assert_eq!(
            Rka::parse("12345678901234567890").unwrap().as_ref().len(),
            20
        );
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "   ",
            "123456789012345678901",
            "02017-00250",
            "0201 700",
            "RKA0201",
            "-1",
            "+1",
            "1.5",
            "١٢٣", // Arabic-Indic digits
        ] {
            assert_eq!(Rka::parse(bad), Err(DomainError::RkaFormat), "{bad:?}");
        }
    }

    #[test]
    fn serde_keeps_leading_zeros() {
        let rka: Rka = serde_json::from_str(r#""0201700250049011""#).unwrap();
        assert_eq!(
            serde_json::to_string(&rka).unwrap(),
            r#""0201700250049011""#
        );
        assert!(serde_json::from_str::<Rka>(r#""x""#).is_err());
        assert!(serde_json::from_str::<Rka>("201700250049011").is_err());
        assert_eq!(rka.to_string(), "0201700250049011");
        assert_eq!("42".parse::<Rka>().unwrap().as_str(), "42");
    }
}
