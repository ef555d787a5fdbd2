//! A Kazakhstan mobile phone number, the kind that receives one-time passwords by SMS.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::DomainError;

/// The first three digits of the national number in the mobile ranges of Kazakhstan's numbering
/// plan. The single list to update when the regulator opens a new range.
const MOBILE_CODES: [&str; 13] = [
    "700", "701", "702", "705", "706", "707", "708", "747", "771", "775", "776", "777", "778",
];

/// A Kazakhstan mobile number in E.164 form: `+7` and 10 digits starting with a mobile operator
/// code.
///
/// A landline is refused because the one-time password is sent by SMS. `Debug` shows only
/// [`masked`](Self::masked), because values reach logs through `Debug` and a phone number is
/// personal data; `Display` and serialisation give the full number.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a number as people write it: `+77011234567`, `87011234567`, `7 701 123 45 67`,
    /// `+7 (701) 123-45-67`. Spaces, dashes and parentheses are dropped; a leading `8` is the
    /// domestic trunk prefix and stands for `+7`. A number without the country code or the trunk
    /// prefix is refused rather than guessed at.
    ///
    /// # Errors
    ///
    /// [`DomainError::PhoneFormat`] if it is not a number in Kazakhstan's part of country code 7
    /// (national numbers starting with 6 or 7; the rest of the zone is Russia's);
    /// [`DomainError::PhoneNotMobile`] if it is, but not in a mobile range.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let compact: String = input
            .chars()
            .filter(|&c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')')))
            .collect();
        let national = compact
            .strip_prefix("+7")
            .or_else(|| compact.strip_prefix('8'))
            .or_else(|| compact.strip_prefix('7'))
            .ok_or(DomainError::PhoneFormat)?;
        let is_kazakhstan = national.starts_with('6') || national.starts_with('7');
        if national.len() != 10 || !national.bytes().all(|b| b.is_ascii_digit()) || !is_kazakhstan {
            return Err(DomainError::PhoneFormat);
        }
        if !MOBILE_CODES.iter().any(|code| national.starts_with(code)) {
            return Err(DomainError::PhoneNotMobile);
        }
        Ok(Self(format!("+7{national}")))
    }

    /// The number in E.164 form, e.g. `+77011234567`.
    #[must_use]
    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// The number for logs: country and operator code and the last four digits, e.g.
    /// `+7701***4567`.
    #[must_use]
    pub fn masked(&self) -> String {
        self.0
            .chars()
            .enumerate()
            .map(|(i, c)| if (5..8).contains(&i) { '*' } else { c })
            .collect()
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PhoneNumber").field(&self.masked()).finish()
    }
}

parsed_from_text!(PhoneNumber);

/// Serialised in E.164 form.
impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_ways_of_writing_it() {
        for input in [
            "+77011234567",
            "87011234567",
            "77011234567",
            "7 701 123 45 67",
            "+7 (701) 123-45-67",
            "8 (701) 123-45-67",
            "  +7 701 1234567\n",
            "+7\u{a0}701\u{a0}123\u{a0}45\u{a0}67", // no-break spaces, as pasted from documents
        ] {
            assert_eq!(
                PhoneNumber::parse(input).unwrap().as_e164(),
                "+77011234567",
                "{input:?}"
            );
        }
    }

    #[test]
    fn every_mobile_code_is_accepted() {
        for code in MOBILE_CODES {
            let phone = PhoneNumber::parse(&format!("8{code}1234567")).unwrap();
            assert_eq!(phone.as_e164(), format!("+7{code}1234567"));
        }
    }

    #[test]
    fn landlines_are_not_mobile() {
        for landline in [
            "+7 727 123 45 67", // Almaty
            "+7 717 212 34 56", // Astana
            "87122123456",      // Atyrau
            "+77031234567",     // unassigned 70x
            "+77481234567",
            "+77791234567",
            "+76001234567",
        ] {
            assert_eq!(
                PhoneNumber::parse(landline),
                Err(DomainError::PhoneNotMobile),
                "{landline}"
            );
        }
    }

    #[test]
    fn rejects_malformed_and_foreign_numbers() {
        for bad in [
            "",
            "+",
            "+7",
            "7011234567",    // no country code or trunk prefix
            "+7701123456",   // 9 digits
            "+770112345678", // 11 digits
            "+87011234567",  // "+8" is not a country code here
            "007011234567",  // international prefix
            "+17011234567",  // another country
            "+79161234567",  // Russian mobile
            "89161234567",   // Russian mobile, domestic form
            "+7 701 123 45 6x",
            "+7.701.123.45.67",
            "+7 701 123 45 67 ext 2",
            "++77011234567",
            "７７０１１２３４５６７", // full-width digits
        ] {
            assert_eq!(
                PhoneNumber::parse(bad),
                Err(DomainError::PhoneFormat),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn masked_keeps_operator_and_last_four() {
        let phone = PhoneNumber::parse("+7 (701) 123-45-67").unwrap();
        assert_eq!(phone.masked(), "+7701***4567");
        assert_eq!(format!("{phone:?}"), r#"PhoneNumber("+7701***4567")"#);
        assert_eq!(phone.to_string(), "+77011234567");
        assert_eq!(phone.as_ref(), "+77011234567");
    }

    #[test]
    fn serde_goes_through_parse() {
        let phone: PhoneNumber = serde_json::from_str(r#""8 701 123 45 67""#).unwrap();
        assert_eq!(serde_json::to_string(&phone).unwrap(), r#""+77011234567""#);
        assert!(serde_json::from_str::<PhoneNumber>(r#""+77271234567""#).is_err());
        assert_eq!("87011234567".parse::<PhoneNumber>().unwrap(), phone);
    }
}
