//! ASN.1 times as CMS attributes carry them (RFC 5652 §11.3: UTCTime until 2049,
//! GeneralizedTime after), and RFC 3339 for reports.

// RFC 3339 formatting is defined in `error`, a leaf module whose messages need it.
pub use crate::error::rfc3339;

use crate::der::tag;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Parses a DER UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
pub(crate) fn parse_asn1_time(tag_byte: u8, value: &[u8]) -> Option<OffsetDateTime> {
    let text = std::str::from_utf8(value).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| digits.get(range)?.parse::<u16>().ok();
    let (year, rest) = match (tag_byte, digits.len()) {
        (tag::UTC_TIME, 12) => {
            // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
            let yy = number(0..2)?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
        }
        (tag::GENERALIZED_TIME, 14) => (number(0..4)?, 4),
        _ => return None,
    };
    let month = Month::try_from(u8::try_from(number(rest..rest + 2)?).ok()?).ok()?;
    let day = u8::try_from(number(rest + 2..rest + 4)?).ok()?;
    let hour = u8::try_from(number(rest + 4..rest + 6)?).ok()?;
    let minute = u8::try_from(number(rest + 6..rest + 8)?).ok()?;
    let second = u8::try_from(number(rest + 8..rest + 10)?).ok()?;
    let date = Date::from_calendar_date(i32::from(year), month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// Parses an RFC 3339 time (any offset).
pub fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_both_asn1_forms() {
        assert_eq!(
            parse_asn1_time(tag::UTC_TIME, b"220928144030Z"),
            Some(datetime!(2022-09-28 14:40:30 UTC))
        );
        assert_eq!(
            parse_asn1_time(tag::UTC_TIME, b"500101000000Z"),
            Some(datetime!(1950-01-01 0:00 UTC))
        );
        assert_eq!(
            parse_asn1_time(tag::GENERALIZED_TIME, b"20500101000000Z"),
            Some(datetime!(2050-01-01 0:00 UTC))
        );
        for bad in [
            &b"2209281440Z"[..],
            b"221328144030Z",
            b"220928144030",
            b"22092814403aZ",
        ] {
            assert_eq!(parse_asn1_time(tag::UTC_TIME, bad), None);
        }
    }

    #[test]
    fn formats_rfc3339_in_utc() {
        assert_eq!(
            rfc3339(datetime!(2021-06-01 05:00 +05:00)),
            "2021-06-01T00:00:00Z"
        );
        assert_eq!(
            parse_rfc3339("2021-06-01T00:00:00Z"),
            Some(datetime!(2021-06-01 0:00 UTC))
        );
        assert_eq!(parse_rfc3339("2021-06-01"), None);
    }
}
