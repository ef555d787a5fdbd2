//! Domain value types: identifiers and quantities that arrive as untrusted input and are checked
//! once, at the edge, so that the rest of the API can rely on them ("parse, don't validate").
//!
//! Every type here has a private field and a `parse` constructor returning [`DomainError`];
//! deserialising goes through the same `parse`, so no invalid value can be built from JSON either.
//! The rules come from `DOMAIN.md`; code applying one is marked `// DOMAIN: <rule>`.

/// `FromStr` and `TryFrom<String>` through the type's `parse`, so that text reaches a domain
/// value by one road only (serde's `try_from = "String"` goes through it too).
macro_rules! parsed_from_text {
    ($type:ty) => {
        impl std::str::FromStr for $type {
            type Err = $crate::domain::DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $type {
            type Error = $crate::domain::DomainError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
    };
}

mod area;
mod bin;
mod country;
mod date;
mod iin;
mod period;
mod phone;
mod rka;
mod status;
mod text;

pub use area::Area;
pub use bin::{Bin, EntityType, EntityUnit};
pub use country::CountryCode;
pub use date::IssueDate;
pub use iin::{BirthDate, CertificateIin, Iin, Sex};
pub use period::RegistrationPeriod;
pub use phone::PhoneNumber;
pub use rka::Rka;
pub use status::{ActorRole, ApplicationStatus, RefusalGround};
pub use text::{MultilineText, Text};

/// Why a value was refused.
///
/// The messages never quote the rejected input: an IIN or a phone number is personal data, and
/// these errors end up in logs. The variants carry no data for the same reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The IIN is not exactly 12 digits.
    #[error("the IIN must be exactly 12 digits")]
    IinFormat,
    /// The IIN's 12th digit does not match its check digit, or it has none.
    #[error("the IIN is not valid: its check digit does not match")]
    IinChecksum,
    /// The IIN's 7th digit is not a century and sex code of a natural person.
    #[error("the IIN is not valid: its 7th digit must be 1 to 6")]
    IinCentury,
    /// The IIN's first six digits are not a real date of birth.
    #[error("the IIN is not valid: its first six digits are not a real date of birth")]
    IinDate,
    /// The BIN is not exactly 12 digits.
    #[error("the BIN must be exactly 12 digits")]
    BinFormat,
    /// The BIN's 12th digit does not match its check digit, or it has none.
    #[error("the BIN is not valid: its check digit does not match")]
    BinChecksum,
    /// The BIN's 5th digit is not a known entity type.
    #[error("the BIN is not valid: its 5th digit must be 4, 5 or 6")]
    BinEntityType,
    /// The BIN's 6th digit is not a known unit.
    #[error("the BIN is not valid: its 6th digit must be 0 to 3")]
    BinUnit,
    /// The address registration code is not 1 to 20 digits.
    #[error("the address registration code (RKA) must be 1 to 20 digits")]
    RkaFormat,
    /// The phone number is not a Kazakhstan number in a recognised form.
    #[error("the phone number must be a Kazakhstan number such as +7 701 123 45 67")]
    PhoneFormat,
    /// The phone number is a Kazakhstan number, but not a mobile one.
    #[error("the phone number must be a mobile number")]
    PhoneNotMobile,
    /// The area is not a decimal number.
    #[error("the area must be a number of square metres, such as 54.3")]
    AreaFormat,
    /// The area is zero or negative.
    #[error("the area must be greater than zero")]
    AreaNotPositive,
    /// The area has more than two decimals.
    #[error("the area must have at most two decimals")]
    AreaTooPrecise,
    /// The area is beyond the sanity bound.
    #[error("the area must be at most 100000 square metres")]
    AreaTooLarge,
    /// The registration period is not 1 to 12 months.
    #[error("the registration period must be 1 to 12 months")]
    PeriodOutOfRange,
    /// A text holds a control character (NUL, ESC, …) or a bidirectional override.
    #[error("the text must not contain control or bidirectional-override characters")]
    TextForbiddenCharacter,
    /// A required text is empty.
    #[error("the text must not be empty")]
    TextEmpty,
    /// A text is longer than its limit (counted in characters).
    #[error("the text is too long")]
    TextTooLong,
    /// Not a date written `YYYY-MM-DD`.
    #[error("the date must be a real date written YYYY-MM-DD")]
    DateFormat,
    /// A date of issue after today.
    #[error("the date must not be in the future")]
    DateInFuture,
    /// Not an ISO 3166-1 alpha-2 code of a country.
    #[error("the country must be an ISO 3166-1 alpha-2 code, such as UZ")]
    CountryUnknown,
}

impl DomainError {
    /// The API error code: every domain error is the user's input, so the API reports it as a
    /// user error rather than a server fault.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "BAD_USER_INPUT"
    }

    /// A stable snake case key per variant, for translating the message later; unlike the
    /// English message it never changes once published.
    #[must_use]
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::IinFormat => "iin_format",
            Self::IinChecksum => "iin_checksum",
            Self::IinCentury => "iin_century",
            Self::IinDate => "iin_date",
            Self::BinFormat => "bin_format",
            Self::BinChecksum => "bin_checksum",
            Self::BinEntityType => "bin_entity_type",
            Self::BinUnit => "bin_unit",
            Self::RkaFormat => "rka_format",
            Self::PhoneFormat => "phone_format",
            Self::PhoneNotMobile => "phone_not_mobile",
            Self::AreaFormat => "area_format",
            Self::AreaNotPositive => "area_not_positive",
            Self::AreaTooPrecise => "area_too_precise",
            Self::AreaTooLarge => "area_too_large",
            Self::PeriodOutOfRange => "period_out_of_range",
            Self::TextForbiddenCharacter => "text_forbidden_character",
            Self::TextEmpty => "text_empty",
            Self::TextTooLong => "text_too_long",
            Self::DateFormat => "date_format",
            Self::DateInFuture => "date_in_future",
            Self::CountryUnknown => "country_unknown",
        }
    }
}

/// Whether the 12th digit is the IIN/BIN check digit of the first 11: the one implementation,
/// in the `signatures` crate, which reports it for certificates too.
// DOMAIN: check digit
fn check_digit_holds(digits: &[u8; 12]) -> bool {
    let text: String = digits.iter().map(|d| char::from(b'0' + d % 10)).collect();
    signatures::check_digit_holds(&text)
}

/// The digits of a 12-digit identifier (IIN or BIN) after trimming surrounding whitespace, or
/// `None` if it is anything else. Shared because both identifiers have the same shape.
fn twelve_digits(input: &str) -> Option<[u8; 12]> {
    let bytes = <[u8; 12]>::try_from(input.trim().as_bytes()).ok()?;
    if bytes.iter().all(u8::is_ascii_digit) {
        Some(bytes.map(|b| b - b'0'))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [DomainError; 22] = [
        DomainError::IinFormat,
        DomainError::IinChecksum,
        DomainError::IinCentury,
        DomainError::IinDate,
        DomainError::BinFormat,
        DomainError::BinChecksum,
        DomainError::BinEntityType,
        DomainError::BinUnit,
        DomainError::RkaFormat,
        DomainError::PhoneFormat,
        DomainError::PhoneNotMobile,
        DomainError::AreaFormat,
        DomainError::AreaNotPositive,
        DomainError::AreaTooPrecise,
        DomainError::AreaTooLarge,
        DomainError::PeriodOutOfRange,
        DomainError::TextForbiddenCharacter,
        DomainError::TextEmpty,
        DomainError::TextTooLong,
        DomainError::DateFormat,
        DomainError::DateInFuture,
        DomainError::CountryUnknown,
    ];

    #[test]
    fn every_error_is_bad_user_input() {
        for error in ALL {
            assert_eq!(error.code(), "BAD_USER_INPUT");
        }
    }

    #[test]
    fn message_keys_are_unique_snake_case() {
        let mut keys: Vec<&str> = ALL.iter().map(DomainError::message_key).collect();
        for key in &keys {
            assert!(
                key.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{key}"
            );
        }
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ALL.len());
    }

    #[test]
    fn messages_are_sentences_without_trailing_period() {
        for error in ALL {
            let message = error.to_string();
            assert!(message.starts_with("the "), "{message}");
            assert!(!message.ends_with('.'), "{message}");
        }
    }

    #[test]
    fn twelve_digits_trims_and_rejects() {
        assert_eq!(
            twelve_digits(" 871008401427\n"),
            Some([8, 7, 1, 0, 0, 8, 4, 0, 1, 4, 2, 7])
        );
        assert_eq!(twelve_digits("87100840142"), None);
        assert_eq!(twelve_digits("8710084014277"), None);
        assert_eq!(twelve_digits("87100840142a"), None);
        assert_eq!(twelve_digits("871008 401427"), None);
        // Non-ASCII digits (Arabic-Indic here) are digits to Unicode but not to the registry.
        assert_eq!(twelve_digits("٨٧١٠٠٨٤٠١٤٢٧"), None);
        assert_eq!(twelve_digits(""), None);
    }
}
