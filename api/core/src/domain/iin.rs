//! The individual identification number (IIN) of a natural person.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::{DomainError, check_digit_holds, twelve_digits};

/// A person's sex, as the IIN's 7th digit encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sex {
    /// An odd 7th digit.
    Male,
    /// An even 7th digit.
    Female,
}

/// A date of birth read from an IIN.
///
/// The fields are private so that a `BirthDate` is always a real calendar date; field order makes
/// the derived ordering chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BirthDate {
    year: i32,
    month: u8,
    day: u8,
}

impl BirthDate {
    /// The date, if it exists in the (proleptic) Gregorian calendar.
    fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let last_day = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if is_leap_year(year) => 29,
            2 => 28,
            _ => return None,
        };
        (1..=last_day)
            .contains(&day)
            .then_some(Self { year, month, day })
    }

    /// The year, with its century (e.g. 1987).
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }
}

/// ISO 8601 (`1987-10-08`), the form the API and the registries exchange.
impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Serialised as its ISO 8601 string, like [`Display`](fmt::Display).
impl Serialize for BirthDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// A natural person's IIN: 12 digits whose check digit matches, whose 7th digit is a century and
/// sex code (1 to 6) and whose first six are a real date of birth.
///
/// `Debug` shows only [`masked`](Self::masked): values reach logs through `Debug` (`?iin` in
/// `tracing`), and an IIN must not appear there in full. `Display` and serialisation give the full
/// number, because the API and the registries need it.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Iin {
    value: String,
    birth_date: BirthDate,
    sex: Sex,
}

impl Iin {
    /// Parses an IIN, ignoring surrounding whitespace.
    ///
    /// The checks run in this order, so each error names the first thing wrong: format, check
    /// digit (a typo is the likeliest mistake), 7th digit, date of birth. A date in the future is
    /// not refused: this layer has no clock, and [`age_on`](Self::age_on) copes with it.
    ///
    /// # Errors
    ///
    /// [`DomainError::IinFormat`], [`DomainError::IinChecksum`], [`DomainError::IinCentury`] or
    /// [`DomainError::IinDate`].
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let digits = twelve_digits(input).ok_or(DomainError::IinFormat)?;
        if !check_digit_holds(&digits) {
            return Err(DomainError::IinChecksum);
        }
        let [y1, y2, m1, m2, d1, d2, code, ..] = digits;
        // DOMAIN: IIN century and sex (1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s; odd male, even
        // female). 0 and 7 to 9 are not natural persons' codes.
        let (century, sex) = match code {
            1 => (1800, Sex::Male),
            2 => (1800, Sex::Female),
            3 => (1900, Sex::Male),
            4 => (1900, Sex::Female),
            5 => (2000, Sex::Male),
            6 => (2000, Sex::Female),
            _ => return Err(DomainError::IinCentury),
        };
        // DOMAIN: IIN date of birth (YYMMDD)
        let birth_date = BirthDate::new(
            century + i32::from(y1 * 10 + y2),
            m1 * 10 + m2,
            d1 * 10 + d2,
        )
        .ok_or(DomainError::IinDate)?;
        Ok(Self {
            value: input.trim().to_owned(),
            birth_date,
            sex,
        })
    }

    /// Reads the IIN of a signing certificate, checking only that it is 12 digits.
    ///
    /// The NCA's test PKI issues certificates whose IINs fail the check digit (e.g.
    /// `123456789011`), and verifying a signature must not fail over data the signer cannot
    /// change. The result is a [`CertificateIin`], not an `Iin`, so that an unchecked number can
    /// never reach code that relies on the date of birth or the sex.
    ///
    /// # Errors
    ///
    /// [`DomainError::IinFormat`].
    pub fn from_certificate(input: &str) -> Result<CertificateIin, DomainError> {
        CertificateIin::parse(input)
    }

    /// The 12 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The date of birth encoded in the first seven digits.
    #[must_use]
    pub fn birth_date(&self) -> BirthDate {
        self.birth_date
    }

    /// The sex encoded in the 7th digit.
    #[must_use]
    pub fn sex(&self) -> Sex {
        self.sex
    }

    /// The IIN for logs: the first 6 and last 2 digits, e.g. `871008****27`.
    #[must_use]
    pub fn masked(&self) -> String {
        mask(&self.value)
    }

    /// The age in full years on the given date; 0 for a date before the birth.
    ///
    /// Someone born on 29 February comes of age on 1 March in a common year, the day after
    /// 28 February, as full years are counted. The date is not validated: callers pass today's
    /// date, and a nonsense date cannot make the count panic, only be off.
    #[must_use]
    pub fn age_on(&self, year: i32, month: u8, day: u8) -> u32 {
        let born = self.birth_date;
        let mut years = year.saturating_sub(born.year);
        if (month, day) < (born.month, born.day) {
            years = years.saturating_sub(1);
        }
        u32::try_from(years).unwrap_or(0)
    }
}

impl AsRef<str> for Iin {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Iin").field(&self.masked()).finish()
    }
}

parsed_from_text!(Iin);

/// Serialised as the 12-digit string.
impl Serialize for Iin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

/// The IIN in a signing certificate: 12 digits, nothing more checked (see
/// [`Iin::from_certificate`] for why).
///
/// It compares equal to an [`Iin`] with the same digits, which is what signature checks need.
/// `Debug` masks it, like `Iin`'s.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct CertificateIin(String);

impl CertificateIin {
    /// Parses 12 digits, ignoring surrounding whitespace; the check digit, the 7th digit and the
    /// date are deliberately not checked.
    ///
    /// # Errors
    ///
    /// [`DomainError::IinFormat`].
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        twelve_digits(input).ok_or(DomainError::IinFormat)?;
        Ok(Self(input.trim().to_owned()))
    }

    /// The 12 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number for logs, as [`Iin::masked`].
    #[must_use]
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// The fully checked [`Iin`], for when the certificate's number is to be used as a person's.
    ///
    /// # Errors
    ///
    /// As [`Iin::parse`].
    pub fn to_iin(&self) -> Result<Iin, DomainError> {
        Iin::parse(&self.0)
    }
}

impl AsRef<str> for CertificateIin {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CertificateIin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CertificateIin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CertificateIin")
            .field(&self.masked())
            .finish()
    }
}

parsed_from_text!(CertificateIin);

/// Serialised as the 12-digit string.
impl Serialize for CertificateIin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl PartialEq<Iin> for CertificateIin {
    fn eq(&self, other: &Iin) -> bool {
        self.0 == other.value
    }
}

impl PartialEq<CertificateIin> for Iin {
    fn eq(&self, other: &CertificateIin) -> bool {
        self.value == other.0
    }
}

/// Keeps the date of birth and the check digits readable for support, hides the serial.
fn mask(twelve_digits: &str) -> String {
    twelve_digits
        .chars()
        .enumerate()
        .map(|(i, c)| if (6..10).contains(&i) { '*' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check digit computed straight from DOMAIN.md, independently of `signatures::check_digit_holds`.
    fn reference_check_digit(prefix: &[u8; 11]) -> Option<u8> {
        let first: u32 = (0..11).map(|i| u32::from(prefix[i]) * (i as u32 + 1)).sum();
        if first % 11 != 10 {
            return Some((first % 11) as u8);
        }
        let weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
        let second: u32 = (0..11).map(|i| u32::from(prefix[i]) * weights[i]).sum();
        if second % 11 != 10 {
            Some((second % 11) as u8)
        } else {
            None
        }
    }

    /// An IIN with the given first seven digits and a valid check digit, trying serials until one
    /// has a check digit.
    fn valid_with(first_seven: &str) -> String {
        for serial in 0..10_000 {
            let prefix = format!("{first_seven}{serial:04}");
            let digits: [u8; 11] = prefix.as_bytes().try_into().unwrap();
            if let Some(check) = reference_check_digit(&digits.map(|b| b - b'0')) {
                return format!("{prefix}{check}");
            }
        }
        unreachable!("no serial gives a check digit")
    }

    #[test]
    fn domain_valid_samples() {
        // DOMAIN: check digit, IIN century and sex, IIN date of birth
        let iin = Iin::parse("871008401427").unwrap();
        assert_eq!(iin.as_str(), "871008401427");
        assert_eq!(iin.birth_date(), BirthDate::new(1987, 10, 8).unwrap());
        assert_eq!(iin.sex(), Sex::Female);

        let iin = Iin::parse("760212350620").unwrap();
        assert_eq!(iin.birth_date().to_string(), "1976-02-12");
        assert_eq!(iin.sex(), Sex::Male);

        let iin = Iin::parse("061211600012").unwrap();
        assert_eq!(
            (
                iin.birth_date().year(),
                iin.birth_date().month(),
                iin.birth_date().day()
            ),
            (2006, 12, 11)
        );
        assert_eq!(iin.sex(), Sex::Female);
    }

    #[test]
    fn domain_invalid_sample() {
        // DOMAIN: check digit
        assert_eq!(Iin::parse("821214240092"), Err(DomainError::IinChecksum));
    }

    #[test]
    fn format() {
        assert_eq!(
            Iin::parse("  871008401427\t\n").unwrap().as_str(),
            "871008401427"
        );
        for bad in [
            "",
            "   ",
            "87100840142",
            "8710084014270",
            "87100840142a",
            "871008 401427",
            "871008-401427",
            "+87100840142",
            "８７１００８４０１４２７", // full-width digits
        ] {
            assert_eq!(Iin::parse(bad), Err(DomainError::IinFormat), "{bad:?}");
        }
    }

    #[test]
    fn century_digit() {
        // DOMAIN: IIN century and sex (0 and 7 to 9 are not natural persons)
        for code in ['0', '7', '8', '9'] {
            let iin = valid_with(&format!("871008{code}"));
            assert_eq!(Iin::parse(&iin), Err(DomainError::IinCentury), "{iin}");
        }
        let expected = [
            ('1', 1887, Sex::Male),
            ('2', 1887, Sex::Female),
            ('3', 1987, Sex::Male),
            ('4', 1987, Sex::Female),
            ('5', 2087, Sex::Male),
            ('6', 2087, Sex::Female),
        ];
        for (code, year, sex) in expected {
            let iin = Iin::parse(&valid_with(&format!("871008{code}"))).unwrap();
            assert_eq!(iin.birth_date().year(), year);
            assert_eq!(iin.sex(), sex);
        }
    }

    #[test]
    fn dates() {
        // DOMAIN: IIN date of birth
        for bad in [
            "870230", "870229", "870431", "870631", "870931", "871131", "870001", "871301",
            "879901", "871000", "871032",
        ] {
            let iin = valid_with(&format!("{bad}4"));
            assert_eq!(Iin::parse(&iin), Err(DomainError::IinDate), "{iin}");
        }
        for good in ["870131", "870228", "871231", "880229", "870430"] {
            assert!(
                Iin::parse(&valid_with(&format!("{good}4"))).is_ok(),
                "{good}"
            );
        }
    }

    #[test]
    fn leap_years_follow_the_century() {
        // 2000 is a leap year; 1900 and 1800 are not.
        assert!(Iin::parse(&valid_with("0002295")).is_ok());
        assert_eq!(
            Iin::parse(&valid_with("0002293")),
            Err(DomainError::IinDate)
        );
        assert_eq!(
            Iin::parse(&valid_with("0002291")),
            Err(DomainError::IinDate)
        );
        assert!(Iin::parse(&valid_with("9602293")).is_ok());
    }

    #[test]
    fn masked_hides_the_serial() {
        let iin = Iin::parse("871008401427").unwrap();
        assert_eq!(iin.masked(), "871008****27");
        assert_eq!(format!("{iin:?}"), r#"Iin("871008****27")"#);
        assert_eq!(iin.to_string(), "871008401427");
        assert_eq!(iin.as_ref(), "871008401427");
    }

    #[test]
    fn age_in_full_years() {
        let iin = Iin::parse("871008401427").unwrap(); // born 1987-10-08
        assert_eq!(iin.age_on(2024, 10, 7), 36);
        assert_eq!(iin.age_on(2024, 10, 8), 37);
        assert_eq!(iin.age_on(2024, 12, 31), 37);
        assert_eq!(iin.age_on(1987, 10, 8), 0);
        assert_eq!(iin.age_on(1986, 1, 1), 0);
        assert_eq!(iin.age_on(i32::MIN, 1, 1), 0);
        assert_eq!(iin.age_on(i32::MAX, 12, 31), (i32::MAX - 1987) as u32);
    }

    #[test]
    fn age_fourteen_boundary() {
        // DOMAIN: ages 14-16 apply through a legal representative; the day of the 14th birthday
        // is the first day someone is 14.
        let iin = Iin::parse("061211600012").unwrap(); // born 2006-12-11
        assert_eq!(iin.age_on(2020, 12, 10), 13);
        assert_eq!(iin.age_on(2020, 12, 11), 14);
        assert_eq!(iin.age_on(2023, 12, 10), 16);
        assert_eq!(iin.age_on(2023, 12, 11), 17);
    }

    #[test]
    fn leap_day_birthday() {
        let iin = Iin::parse(&valid_with("0002295")).unwrap(); // born 2000-02-29
        assert_eq!(iin.age_on(2018, 2, 28), 17);
        assert_eq!(iin.age_on(2018, 3, 1), 18);
        assert_eq!(iin.age_on(2020, 2, 29), 20);
    }

    #[test]
    fn serde_goes_through_parse() {
        let iin: Iin = serde_json::from_str(r#"" 871008401427 ""#).unwrap();
        assert_eq!(serde_json::to_string(&iin).unwrap(), r#""871008401427""#);
        assert!(serde_json::from_str::<Iin>(r#""821214240092""#).is_err());
        assert!(serde_json::from_str::<Iin>("871008401427").is_err());
        assert_eq!(
            serde_json::to_string(&iin.birth_date()).unwrap(),
            r#""1987-10-08""#
        );
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), r#""FEMALE""#);
    }

    #[test]
    fn from_str() {
        let iin: Iin = "760212350620".parse().unwrap();
        assert_eq!(iin.sex(), Sex::Male);
        assert_eq!("821214240092".parse::<Iin>(), Err(DomainError::IinChecksum));
    }

    #[test]
    fn certificate_iin_checks_only_the_format() {
        // The NCA test PKI sample fails the check digit, and its 7th digit and date are nonsense.
        let cert = Iin::from_certificate("123456789011").unwrap();
        assert_eq!(cert.as_str(), "123456789011");
        assert!(Iin::parse("123456789011").is_err());
        assert!(cert.to_iin().is_err());
        assert_eq!(cert.masked(), "123456****11");
        assert_eq!(format!("{cert:?}"), r#"CertificateIin("123456****11")"#);

        assert_eq!(
            Iin::from_certificate("12345678901"),
            Err(DomainError::IinFormat)
        );
        assert_eq!(
            Iin::from_certificate("IIN123456789011"),
            Err(DomainError::IinFormat)
        );

        let cert = Iin::from_certificate(" 871008401427 ").unwrap();
        let iin = Iin::parse("871008401427").unwrap();
        assert_eq!(cert, iin);
        assert_eq!(iin, cert);
        assert_eq!(cert.to_iin().unwrap(), iin);
        assert!(Iin::from_certificate("760212350620").unwrap() != iin);

        let cert: CertificateIin = serde_json::from_str(r#""123456789011""#).unwrap();
        assert_eq!(serde_json::to_string(&cert).unwrap(), r#""123456789011""#);
    }

    /// A small deterministic generator (xorshift64), so the test needs no dependency and every
    /// run checks the same numbers.
    struct XorShift(u64);

    impl XorShift {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    #[test]
    fn generated_iins_are_accepted_iff_they_have_a_check_digit() {
        let days_in_month = |year: u64, month: u64| match month {
            2 if year.is_multiple_of(4)
                && (!year.is_multiple_of(100) || year.is_multiple_of(400)) =>
            {
                29
            }
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let (mut accepted, mut second_pass, mut ten_twice) = (0, 0, 0);
        for _ in 0..20_000 {
            let code = 1 + rng.below(6);
            let yy = rng.below(100);
            let year = 1800 + 100 * ((code - 1) / 2) + yy;
            let month = 1 + rng.below(12);
            let day = 1 + rng.below(days_in_month(year, month));
            let serial = rng.below(10_000);
            let prefix = format!("{yy:02}{month:02}{day:02}{code}{serial:04}");
            let digits: [u8; 11] = prefix.as_bytes().try_into().unwrap();
            let digits = digits.map(|b| b - b'0');
            let first_pass: u32 = (0..11).map(|i| u32::from(digits[i]) * (i as u32 + 1)).sum();
            if first_pass % 11 == 10 {
                second_pass += 1;
            }
            match reference_check_digit(&digits) {
                Some(check) => {
                    accepted += 1;
                    let iin = Iin::parse(&format!("{prefix}{check}")).unwrap();
                    assert_eq!(
                        (
                            iin.birth_date().year(),
                            iin.birth_date().month(),
                            iin.birth_date().day()
                        ),
                        (year as i32, month as u8, day as u8)
                    );
                    assert_eq!(iin.sex() == Sex::Male, code % 2 == 1);
                    for wrong in (0..10).filter(|&d| d != check) {
                        assert_eq!(
                            Iin::parse(&format!("{prefix}{wrong}")),
                            Err(DomainError::IinChecksum)
                        );
                    }
                }
                None => {
                    ten_twice += 1;
                    for last in 0..10 {
                        assert_eq!(
                            Iin::parse(&format!("{prefix}{last}")),
                            Err(DomainError::IinChecksum)
                        );
                    }
                }
            }
        }
        // Every branch of the algorithm was exercised, not just the common one.
        assert!(accepted > 15_000, "{accepted}");
        assert!(second_pass > 100, "{second_pass}");
        assert!(ten_twice > 10, "{ten_twice}");
    }
}
