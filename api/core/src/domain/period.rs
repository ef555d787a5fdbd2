//! The period of a temporary registration.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// The shortest period that can be requested online, in months.
const MIN_MONTHS: u8 = 1;
/// The longest period that can be requested online, in months.
const MAX_MONTHS: u8 = 12;

/// A temporary registration period in whole months, 1 to 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct RegistrationPeriod(u8);

impl RegistrationPeriod {
    /// Parses a number of months. It takes an `i64` so that any integer input (a GraphQL `Int`
    /// is an `i32`) converts without a lossy cast first.
    ///
    /// # Errors
    ///
    /// [`DomainError::PeriodOutOfRange`] unless `months` is 1 to 12.
    pub fn parse(months: i64) -> Result<Self, DomainError> {
        // DOMAIN: temporary registration online periods 1 to 12 months
        u8::try_from(months)
            .ok()
            .filter(|m| (MIN_MONTHS..=MAX_MONTHS).contains(m))
            .map(Self)
            .ok_or(DomainError::PeriodOutOfRange)
    }

    /// The number of months, 1 to 12.
    #[must_use]
    pub fn months(self) -> u8 {
        self.0
    }
}

/// The number of months, as a bare number (the unit is in the field's name).
impl fmt::Display for RegistrationPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<i64> for RegistrationPeriod {
    type Error = DomainError;

    fn try_from(months: i64) -> Result<Self, Self::Error> {
        Self::parse(months)
    }
}

impl From<RegistrationPeriod> for u8 {
    fn from(period: RegistrationPeriod) -> Self {
        period.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_twelve_months() {
        // DOMAIN: temporary registration online periods 1 to 12 months
        for months in 1..=12 {
            assert_eq!(
                RegistrationPeriod::parse(months).unwrap().months(),
                months as u8
            );
        }
        for months in [0, 13, -1, 255, 256, i64::MIN, i64::MAX] {
            assert_eq!(
                RegistrationPeriod::parse(months),
                Err(DomainError::PeriodOutOfRange),
                "{months}"
            );
        }
    }

    #[test]
    fn serde_as_a_number() {
        let period: RegistrationPeriod = serde_json::from_str("6").unwrap();
        assert_eq!(period.months(), 6);
        assert_eq!(serde_json::to_string(&period).unwrap(), "6");
        assert_eq!(period.to_string(), "6");
        for bad in ["0", "13", "-3", "\"6\"", "6.5"] {
            assert!(
                serde_json::from_str::<RegistrationPeriod>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
