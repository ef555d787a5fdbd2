//! The date a document was issued: a real calendar date, written `YYYY-MM-DD`, and not after
//! today (a document from 2999 is a typo or a lie).

use super::DomainError;
use time::Date;
use time::macros::format_description;

/// A document's date of issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueDate(Date);

impl IssueDate {
    /// Parses `YYYY-MM-DD`, refusing a date after `today` (from the service's clock).
    pub fn parse(input: &str, today: Date) -> Result<Self, DomainError> {
        let date = Date::parse(input.trim(), format_description!("[year]-[month]-[day]"))
            .map_err(|_| DomainError::DateFormat)?;
        if date > today {
            return Err(DomainError::DateInFuture);
        }
        Ok(IssueDate(date))
    }

    /// The date.
    pub fn date(self) -> Date {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn real_past_dates_only() {
        let today = date!(2026 - 12 - 01);
        assert_eq!(
            IssueDate::parse("2020-02-29", today).unwrap().date(),
            date!(2020 - 02 - 29)
        );
        assert_eq!(IssueDate::parse("2026-12-01", today).unwrap().date(), today);
        assert_eq!(
            IssueDate::parse("2999-01-01", today),
            Err(DomainError::DateInFuture)
        );
        for bad in ["2021-02-29", "01.02.2020", "2020-1-1", ""] {
            assert_eq!(
                IssueDate::parse(bad, today),
                Err(DomainError::DateFormat),
                "{bad}"
            );
        }
    }
}
