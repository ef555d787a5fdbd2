//! The area of a real-estate object, used with the owner's IIN to confirm ownership.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::DomainError;

/// 100 000 m² in hundredths. Not a legal limit: a sanity bound far above any dwelling (hostels
/// included) that catches a misplaced decimal separator or thousands of digits.
const MAX_HUNDREDTHS: i64 = 100_000 * 100;

/// A positive area in square metres with at most two decimals, stored exactly as an integer
/// number of hundredths so that comparing it with the property registry's figure is exact.
///
/// There is deliberately no `TryFrom<f64>`: most decimals (54.3 among them) have no exact binary
/// floating-point value, so a float would have to be rounded, and the rounding would decide
/// whether the ownership check matches. Parse the decimal text, or use
/// [`from_hundredths`](Self::from_hundredths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Area(i64);

impl Area {
    /// Parses a decimal number of square metres such as `54.3`, `54,30` or `120`, ignoring
    /// surrounding whitespace. Both `.` and `,` are accepted as the decimal separator, because
    /// Kazakh and Russian write `,`; thousands separators are not. Zeros after the second decimal
    /// (`54.300`) are accepted, as they change nothing.
    ///
    /// # Errors
    ///
    /// [`DomainError::AreaFormat`] if it is not a decimal number, [`DomainError::AreaNotPositive`]
    /// if it is zero or negative, [`DomainError::AreaTooPrecise`] if it has a non-zero third
    /// decimal, [`DomainError::AreaTooLarge`] if it is above 100 000 m².
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let text = input.trim();
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match unsigned.split_once(['.', ',']) {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !is_digits(whole) || fraction.is_some_and(|f| !is_digits(f)) {
            return Err(DomainError::AreaFormat);
        }
        if negative {
            return Err(DomainError::AreaNotPositive);
        }
        let decimals = fraction.unwrap_or_default().trim_end_matches('0');
        if decimals.len() > 2 {
            return Err(DomainError::AreaTooPrecise);
        }
        // Whole metres, then the decimals padded to exactly two digits: "54" + "3" -> 5430.
        let two_decimals = decimals.bytes().chain(std::iter::repeat(b'0')).take(2);
        append_digits(0, whole.bytes())
            .and_then(|metres| append_digits(metres, two_decimals))
            .ok_or(DomainError::AreaTooLarge)
            .and_then(Self::from_hundredths)
    }

    /// An area from a number of hundredths of a square metre (5430 is 54.30 m²).
    ///
    /// # Errors
    ///
    /// [`DomainError::AreaNotPositive`] or [`DomainError::AreaTooLarge`].
    pub fn from_hundredths(hundredths: i64) -> Result<Self, DomainError> {
        if hundredths <= 0 {
            Err(DomainError::AreaNotPositive)
        } else if hundredths > MAX_HUNDREDTHS {
            Err(DomainError::AreaTooLarge)
        } else {
            Ok(Self(hundredths))
        }
    }

    /// The area in hundredths of a square metre.
    #[must_use]
    pub fn hundredths(self) -> i64 {
        self.0
    }
}

/// `start` followed by the given ASCII digits, or `None` if that overflows an `i64`: far beyond
/// the sanity bound, so the caller reports it as too large.
fn append_digits(start: i64, digits: impl IntoIterator<Item = u8>) -> Option<i64> {
    digits.into_iter().try_fold(start, |acc, digit| {
        acc.checked_mul(10)?.checked_add(i64::from(digit - b'0'))
    })
}

/// Square metres with exactly two decimals and a `.` separator (`54.30`), the canonical form.
impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

parsed_from_text!(Area);

/// Serialised as its canonical decimal string (`"54.30"`), not a JSON number, which most
/// clients would read into a float.
impl Serialize for Area {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimals_exactly() {
        for (input, hundredths) in [
            ("54.3", 5430),
            ("54,30", 5430),
            ("120", 12000),
            ("0.01", 1),
            ("0,5", 50),
            ("054.3", 5430),
            ("54.300", 5430),
            (" 54.3 ", 5430),
            ("100000", 10_000_000),
            ("100000.00", 10_000_000),
            ("99999.99", 9_999_999),
        ] {
            assert_eq!(
                Area::parse(input).unwrap().hundredths(),
                hundredths,
                "{input:?}"
            );
        }
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Area::parse("54.3").unwrap().to_string(), "54.30");
        assert_eq!(Area::parse("120").unwrap().to_string(), "120.00");
        assert_eq!(Area::parse("0,05").unwrap().to_string(), "0.05");
        assert_eq!(Area::parse("7.1").unwrap().to_string(), "7.10");
    }

    #[test]
    fn rejects_non_numbers() {
        for bad in [
            "", " ", "abc", "54.", ".5", "54.3.1", "54,3,1", "54 3", "1 200", "1e3", "+54", "54m2",
            "NaN", "inf", "--5", "-", "٥٤", // Arabic-Indic digits
        ] {
            assert_eq!(Area::parse(bad), Err(DomainError::AreaFormat), "{bad:?}");
        }
    }

    #[test]
    fn rejects_zero_and_negatives() {
        for bad in ["0", "0.00", "00", "-1", "-54.3", "-0", "-0.001"] {
            assert_eq!(
                Area::parse(bad),
                Err(DomainError::AreaNotPositive),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn rejects_more_than_two_decimals() {
        for bad in ["0.001", "54.301", "54,345", "1.0000001"] {
            assert_eq!(
                Area::parse(bad),
                Err(DomainError::AreaTooPrecise),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn rejects_absurd_sizes() {
        for bad in [
            "100000.01",
            "100001",
            "92233720368547758",
            "99999999999999999999999999999",
        ] {
            assert_eq!(Area::parse(bad), Err(DomainError::AreaTooLarge), "{bad:?}");
        }
    }

    #[test]
    fn from_hundredths_bounds() {
        assert_eq!(Area::from_hundredths(1).unwrap().to_string(), "0.01");
        assert_eq!(
            Area::from_hundredths(10_000_000).unwrap().hundredths(),
            10_000_000
        );
        assert_eq!(Area::from_hundredths(0), Err(DomainError::AreaNotPositive));
        assert_eq!(Area::from_hundredths(-5), Err(DomainError::AreaNotPositive));
        assert_eq!(
            Area::from_hundredths(i64::MIN),
            Err(DomainError::AreaNotPositive)
        );
        assert_eq!(
            Area::from_hundredths(10_000_001),
            Err(DomainError::AreaTooLarge)
        );
        assert_eq!(
            Area::from_hundredths(i64::MAX),
            Err(DomainError::AreaTooLarge)
        );
    }

    #[test]
    fn display_round_trips() {
        for hundredths in [1, 9, 10, 99, 100, 101, 5430, 9_999_999, 10_000_000] {
            let area = Area::from_hundredths(hundredths).unwrap();
            assert_eq!(Area::parse(&area.to_string()), Ok(area));
        }
    }

    #[test]
    fn serde_as_a_decimal_string() {
        let area: Area = serde_json::from_str(r#""54,3""#).unwrap();
        assert_eq!(serde_json::to_string(&area).unwrap(), r#""54.30""#);
        assert!(serde_json::from_str::<Area>("54.3").is_err());
        assert!(serde_json::from_str::<Area>(r#""0.001""#).is_err());
        assert_eq!("54.3".parse::<Area>(), Ok(area));
    }
}
