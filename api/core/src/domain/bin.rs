//! The business identification number (BIN) of a legal entity.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::{DomainError, check_digit_holds, twelve_digits};

/// What kind of entity holds the BIN (its 5th digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityType {
    /// 4: a resident legal entity.
    ResidentLegalEntity,
    /// 5: a non-resident legal entity.
    NonResidentLegalEntity,
    /// 6: a joint individual entrepreneurship.
    JointIndividualEntrepreneurship,
}

/// Which unit of the entity holds the BIN (its 6th digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityUnit {
    /// 0: the head office.
    HeadOffice,
    /// 1: a branch.
    Branch,
    /// 2: a representative office.
    RepresentativeOffice,
    /// 3: a peasant (farm) enterprise.
    PeasantFarm,
}

/// A BIN: 12 digits whose check digit matches and whose 5th and 6th digits are a known entity
/// type and unit.
///
/// The first four digits (year and month of registration) are not checked: `DOMAIN.md` gives no
/// rule for them beyond their meaning, and refusing a real BIN over a guessed rule would lock an
/// organisation out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Bin {
    value: String,
    entity_type: EntityType,
    unit: EntityUnit,
}

impl Bin {
    /// Parses a BIN, ignoring surrounding whitespace.
    ///
    /// # Errors
    ///
    /// [`DomainError::BinFormat`], [`DomainError::BinChecksum`], [`DomainError::BinEntityType`] or
    /// [`DomainError::BinUnit`], checked in that order.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let digits = twelve_digits(input).ok_or(DomainError::BinFormat)?;
        if !check_digit_holds(&digits) {
            return Err(DomainError::BinChecksum);
        }
        let [_, _, _, _, type_digit, unit_digit, ..] = digits;
        // DOMAIN: BIN entity type (5th digit: 4 resident, 5 non-resident, 6 joint IE)
        let entity_type = match type_digit {
            4 => EntityType::ResidentLegalEntity,
            5 => EntityType::NonResidentLegalEntity,
            6 => EntityType::JointIndividualEntrepreneurship,
            _ => return Err(DomainError::BinEntityType),
        };
        // DOMAIN: BIN unit (6th digit: 0 head office, 1 branch, 2 representative office,
        // 3 peasant farm)
        let unit = match unit_digit {
            0 => EntityUnit::HeadOffice,
            1 => EntityUnit::Branch,
            2 => EntityUnit::RepresentativeOffice,
            3 => EntityUnit::PeasantFarm,
            _ => return Err(DomainError::BinUnit),
        };
        Ok(Self {
            value: input.trim().to_owned(),
            entity_type,
            unit,
        })
    }

    /// The 12 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The entity type from the 5th digit.
    #[must_use]
    pub fn entity_type(&self) -> EntityType {
        self.entity_type
    }

    /// The unit from the 6th digit.
    #[must_use]
    pub fn unit(&self) -> EntityUnit {
        self.unit
    }
}

impl AsRef<str> for Bin {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Bin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

parsed_from_text!(Bin);

/// Serialised as the 12-digit string.
impl Serialize for Bin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The BIN with the given first 11 digits and the check digit that makes it valid, if any.
    fn with_check_digit(first_eleven: &str) -> Option<String> {
        (0..10)
            .map(|d| format!("{first_eleven}{d}"))
            .find(|s| check_digit_holds(&twelve_digits(s).unwrap()))
    }

    /// A valid-checksum BIN with the given 5th and 6th digits, trying serials until one has a
    /// check digit.
    fn bin_with(type_digit: char, unit_digit: char) -> String {
        (0..1000)
            .find_map(|serial| {
                with_check_digit(&format!("9401{type_digit}{unit_digit}{serial:05}"))
            })
            .unwrap()
    }

    #[test]
    fn domain_valid_sample() {
        // DOMAIN: check digit, BIN entity type, BIN unit
        let bin = Bin::parse("940140000385").unwrap();
        assert_eq!(bin.as_str(), "940140000385");
        assert_eq!(bin.entity_type(), EntityType::ResidentLegalEntity);
        assert_eq!(bin.unit(), EntityUnit::HeadOffice);
        assert_eq!(bin.to_string(), "940140000385");
        assert_eq!(bin.as_ref(), "940140000385");
    }

    #[test]
    fn domain_invalid_sample() {
        // DOMAIN: check digit (the invalid sample is an IIN, but the rule is shared)
        assert_eq!(Bin::parse("821214240092"), Err(DomainError::BinChecksum));
        assert_eq!(Bin::parse("940140000386"), Err(DomainError::BinChecksum));
    }

    #[test]
    fn format() {
        assert!(Bin::parse(" 940140000385\n").is_ok());
        for bad in [
            "",
            "94014000038",
            "9401400003851",
            "94014000038x",
            "9401 40000385",
        ] {
            assert_eq!(Bin::parse(bad), Err(DomainError::BinFormat), "{bad:?}");
        }
    }

    #[test]
    fn entity_types() {
        // DOMAIN: BIN entity type
        let expected = [
            ('4', EntityType::ResidentLegalEntity),
            ('5', EntityType::NonResidentLegalEntity),
            ('6', EntityType::JointIndividualEntrepreneurship),
        ];
        for (digit, entity_type) in expected {
            assert_eq!(
                Bin::parse(&bin_with(digit, '0')).unwrap().entity_type(),
                entity_type
            );
        }
        for digit in ['0', '1', '2', '3', '7', '8', '9'] {
            assert_eq!(
                Bin::parse(&bin_with(digit, '0')),
                Err(DomainError::BinEntityType),
                "{digit}"
            );
        }
    }

    #[test]
    fn units() {
        // DOMAIN: BIN unit
        let expected = [
            ('0', EntityUnit::HeadOffice),
            ('1', EntityUnit::Branch),
            ('2', EntityUnit::RepresentativeOffice),
            ('3', EntityUnit::PeasantFarm),
        ];
        for (digit, unit) in expected {
            assert_eq!(Bin::parse(&bin_with('4', digit)).unwrap().unit(), unit);
        }
        for digit in ['4', '5', '6', '7', '8', '9'] {
            assert_eq!(
                Bin::parse(&bin_with('4', digit)),
                Err(DomainError::BinUnit),
                "{digit}"
            );
        }
    }

    #[test]
    fn serde_goes_through_parse() {
        let bin: Bin = serde_json::from_str(r#""940140000385""#).unwrap();
        assert_eq!(serde_json::to_string(&bin).unwrap(), r#""940140000385""#);
        assert!(serde_json::from_str::<Bin>(r#""940140000386""#).is_err());
        assert_eq!(
            serde_json::to_string(&EntityUnit::PeasantFarm).unwrap(),
            r#""PEASANT_FARM""#
        );
        assert_eq!("940140000385".parse::<Bin>().unwrap(), bin);
    }
}
