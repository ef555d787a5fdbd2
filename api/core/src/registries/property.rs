//! What the registries answer: real-estate objects with their owners and shares, and persons.

use std::fmt;

use uuid::Uuid;

use crate::domain::{Area, Bin, Iin, Rka};

/// What a building is used as. Stored and exchanged as the upper-case English identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropertyKind {
    /// A house.
    House,
    /// A flat (premises in an apartment building).
    Apartment,
    /// A dacha structure.
    Dacha,
    /// A building used for residence (hostel, dormitory), run by an organisation's
    /// administration.
    Hostel,
}

impl PropertyKind {
    /// Every kind, in the order the identifiers are listed to people.
    pub const ALL: [Self; 4] = [Self::House, Self::Apartment, Self::Dacha, Self::Hostel];

    /// The stable identifier: `HOUSE`, `APARTMENT`, `DACHA` or `HOSTEL`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::House => "HOUSE",
            Self::Apartment => "APARTMENT",
            Self::Dacha => "DACHA",
            Self::Hostel => "HOSTEL",
        }
    }

    /// The kind with this identifier (exact, upper case), if any.
    #[must_use]
    pub fn parse(identifier: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == identifier)
    }
}

impl fmt::Display for PropertyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a share was refused. Like the domain errors, the messages never quote the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// Not a fraction of two whole numbers.
    #[error("the share must be a fraction of two whole numbers, such as 1/2")]
    Format,
    /// A zero numerator or denominator.
    #[error("the share must be greater than zero")]
    NotPositive,
    /// The numerator is above the denominator.
    #[error("the share must not be more than the whole (numerator above denominator)")]
    MoreThanWhole,
    /// A number too large for the registry's 32-bit columns.
    #[error("the share's numbers must be at most 2147483647")]
    TooLarge,
    /// The shares' denominators are too large to be added exactly.
    #[error("the shares cannot be added exactly: their denominators are too large")]
    SumOverflow,
}

/// A co-owner's share of an object: a fraction in `(0, 1]`, kept as written (`2/4` stays `2/4`,
/// as the registry records it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    numerator: u32,
    denominator: u32,
}

impl Share {
    /// The largest numerator or denominator: the database stores them as 32-bit signed integers.
    pub const MAX: u32 = 2_147_483_647;

    /// The whole object.
    pub const WHOLE: Self = Self {
        numerator: 1,
        denominator: 1,
    };

    /// A share of `numerator / denominator`.
    ///
    /// # Errors
    ///
    /// [`ShareError::NotPositive`], [`ShareError::TooLarge`] or [`ShareError::MoreThanWhole`].
    pub fn new(numerator: u32, denominator: u32) -> Result<Self, ShareError> {
        if numerator == 0 || denominator == 0 {
            Err(ShareError::NotPositive)
        } else if denominator > Self::MAX {
            // The numerator is checked by the next test, as it must not exceed the denominator.
            Err(ShareError::TooLarge)
        } else if numerator > denominator {
            Err(ShareError::MoreThanWhole)
        } else {
            Ok(Self {
                numerator,
                denominator,
            })
        }
    }

    /// Parses `numerator/denominator` (`1/2`, ` 1 / 4 `): ASCII digits on both sides of one `/`.
    /// A bare `1` is refused: the file states every share as a fraction, so a typo cannot
    /// silently become the whole object.
    ///
    /// # Errors
    ///
    /// [`ShareError::Format`], or any error of [`new`](Self::new).
    pub fn parse(input: &str) -> Result<Self, ShareError> {
        let (numerator, denominator) = input.trim().split_once('/').ok_or(ShareError::Format)?;
        let number = |text: &str| -> Result<u32, ShareError> {
            let text = text.trim();
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ShareError::Format);
            }
            // Only digits are left, so the one possible failure is overflow.
            text.parse::<u32>().map_err(|_| ShareError::TooLarge)
        };
        Self::new(number(numerator)?, number(denominator)?)
    }

    /// A share read back from the database's signed columns.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new); a negative number is [`ShareError::NotPositive`].
    pub fn from_stored(numerator: i32, denominator: i32) -> Result<Self, ShareError> {
        let unsigned = |n: i32| u32::try_from(n).map_err(|_| ShareError::NotPositive);
        Self::new(unsigned(numerator)?, unsigned(denominator)?)
    }

    /// The numerator.
    #[must_use]
    pub fn numerator(self) -> u32 {
        self.numerator
    }

    /// The denominator.
    #[must_use]
    pub fn denominator(self) -> u32 {
        self.denominator
    }

    /// The share as the database stores it: two 32-bit signed integers.
    #[must_use]
    pub fn to_stored(self) -> (i32, i32) {
        // Both numbers are at most `MAX` (`i32::MAX`) by construction, so the fallback is never
        // taken; it only spares a panic path.
        let signed = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        (signed(self.numerator), signed(self.denominator))
    }

    /// Whether the shares add up to exactly one whole, computed in exact fractions.
    ///
    /// # Errors
    ///
    /// As [`sum`](Self::sum).
    pub fn sum_is_whole(shares: impl IntoIterator<Item = Self>) -> Result<bool, ShareError> {
        let (numerator, denominator) = Self::sum(shares)?;
        Ok(numerator == denominator)
    }

    /// The exact sum of the shares as a reduced fraction `(numerator, denominator)`; `(0, 1)`
    /// for none.
    ///
    /// # Errors
    ///
    /// [`ShareError::SumOverflow`] when the common denominator outgrows 128 bits, which takes
    /// several large, pairwise coprime denominators: no real registry entry looks like that.
    pub fn sum(shares: impl IntoIterator<Item = Self>) -> Result<(u128, u128), ShareError> {
        let (mut numerator, mut denominator) = (0_u128, 1_u128);
        for share in shares {
            let (n, d) = (u128::from(share.numerator), u128::from(share.denominator));
            // a/b + n/d = (a·d + n·b) / (b·d), reduced at every step to stay small.
            let sum_numerator = numerator
                .checked_mul(d)
                .and_then(|a| n.checked_mul(denominator).and_then(|b| a.checked_add(b)))
                .ok_or(ShareError::SumOverflow)?;
            let sum_denominator = denominator.checked_mul(d).ok_or(ShareError::SumOverflow)?;
            let divisor = gcd(sum_numerator, sum_denominator);
            numerator = sum_numerator / divisor;
            denominator = sum_denominator / divisor;
        }
        Ok((numerator, denominator))
    }
}

/// `n/d`, as written.
impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

/// The greatest common divisor; `gcd(0, d)` is `d`, which is never zero here.
fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Who owns (a share of) an object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A natural person.
    Person(Iin),
    /// An organisation.
    Organisation(Bin),
}

/// One owner and their share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ownership {
    /// The owner.
    pub owner: Owner,
    /// Their share of the object.
    pub share: Share,
}

/// A real-estate object with its owners, as the property registry describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The object's identifier in the local mirror.
    pub id: Uuid,
    /// The address registration code.
    pub rka: Rka,
    /// The address as the registry writes it.
    pub address: String,
    /// The area, exact to the hundredth of a square metre.
    pub area: Area,
    /// What the building is used as.
    pub kind: PropertyKind,
    /// For a hostel or dormitory: the organisation whose administration's application replaces
    /// the owner's consent.
    // DOMAIN: organisation administration replaces the owner's consent
    pub administration: Option<Bin>,
    /// Every owner with their share: persons first by IIN, then organisations by BIN. Empty only
    /// for a hostel with an administration. The shares add up to exactly one.
    // DOMAIN: several owners: every co-owner's consent is required
    pub owners: Vec<Ownership>,
    /// For state or municipal rental housing (an organisation owns it): its tenants, each with
    /// the household their lease names. Empty for any other object.
    // DOMAIN: owner or tenant: in state or municipal rental housing the tenant consents
    pub tenants: Vec<Tenant>,
}

/// A tenant of state or municipal rental housing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// The tenant, who consents for the dwelling.
    pub iin: Iin,
    /// The household the lease names (the tenant not included): only the tenant and they may
    /// register there.
    pub household: Vec<Iin>,
}

/// An organisation whose administration consents for the building it runs (a hostel or
/// dormitory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub bin: Bin,
    pub name: String,
    /// The role OIDs of which a consenting key of its administration must hold one: configured
    /// per organisation, since commandants usually hold employee keys.
    pub consent_role_oids: Vec<String>,
}

/// A natural person as the population registry knows them.
#[derive(Clone, PartialEq, Eq)]
pub struct RegisteredPerson {
    /// The IIN.
    pub iin: Iin,
    /// The surname. `None` only for a person the service met at sign-in and the registry mirror
    /// has not described yet.
    pub surname: Option<String>,
    /// The given name.
    pub given_name: Option<String>,
    /// The patronymic, when the person has one.
    pub patronymic: Option<String>,
}

/// Shows the masked IIN only: names are personal data and `Debug` output reaches logs.
impl fmt::Debug for RegisteredPerson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisteredPerson")
            .field("iin", &self.iin)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(text: &str) -> Share {
        Share::parse(text).unwrap()
    }

    #[test]
    fn kinds_round_trip() {
        for kind in PropertyKind::ALL {
            assert_eq!(PropertyKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        for bad in ["", "house", "FLAT", "HOSTEL ", "DORMITORY"] {
            assert_eq!(PropertyKind::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn shares_parse_as_written() {
        assert_eq!(share("1/2").to_string(), "1/2");
        assert_eq!(share(" 2 / 4 ").to_string(), "2/4");
        assert_eq!(share("1/1"), Share::WHOLE);
        assert_eq!(share("2147483647/2147483647").numerator(), Share::MAX);
        assert_eq!(Share::parse("0/2"), Err(ShareError::NotPositive));
        assert_eq!(Share::parse("1/0"), Err(ShareError::NotPositive));
        assert_eq!(Share::parse("3/2"), Err(ShareError::MoreThanWhole));
        assert_eq!(Share::parse("1/2147483648"), Err(ShareError::TooLarge));
        assert_eq!(Share::parse("1/99999999999"), Err(ShareError::TooLarge));
        for bad in [
            "", "1", "1/", "/2", "1/2/3", "-1/2", "+1/2", "1.5/2", "½", "a/b", "1 2/3",
        ] {
            assert_eq!(Share::parse(bad), Err(ShareError::Format), "{bad:?}");
        }
    }

    #[test]
    fn stored_shares_round_trip_and_refuse_negatives() {
        assert_eq!(Share::from_stored(1, 4), Ok(share("1/4")));
        assert_eq!(share("3/8").to_stored(), (3, 8));
        assert_eq!(
            share("2147483647/2147483647").to_stored(),
            (i32::MAX, i32::MAX)
        );
        assert_eq!(Share::from_stored(-1, 4), Err(ShareError::NotPositive));
        assert_eq!(Share::from_stored(1, -4), Err(ShareError::NotPositive));
    }

    #[test]
    fn sums_are_exact() {
        // DOMAIN: co-owners' shares make up the whole object
        let sum = |list: &[&str]| Share::sum_is_whole(list.iter().map(|s| share(s)));
        assert_eq!(sum(&["1/1"]), Ok(true));
        assert_eq!(sum(&["1/2", "1/4", "1/4"]), Ok(true));
        assert_eq!(sum(&["1/3", "1/3", "1/3"]), Ok(true));
        assert_eq!(sum(&["2/4", "3/6"]), Ok(true));
        assert_eq!(sum(&["1/3", "1/3", "333/1000"]), Ok(false));
        assert_eq!(sum(&["1/2", "1/2", "1/2"]), Ok(false));
        assert_eq!(sum(&["1/2"]), Ok(false));
        assert_eq!(sum(&[]), Ok(false));
        assert_eq!(Share::sum([share("1/2"), share("1/4")]), Ok((3, 4)));
        assert_eq!(Share::sum([share("2/4"), share("2/4")]), Ok((1, 1)));
        // Large coprime denominators still add exactly while they fit.
        assert_eq!(
            sum(&["1073741823/2147483646", "1073741823/2147483646"]),
            Ok(true)
        );
        let primes = [
            "1/2147483647",
            "1/2147483629",
            "1/2147483587",
            "1/2147483579",
            "1/2147483563",
        ];
        assert_eq!(sum(&primes), Err(ShareError::SumOverflow));
    }

    #[test]
    fn person_debug_hides_names() {
        let person = RegisteredPerson {
            iin: Iin::parse("871008401427").unwrap(),
            surname: Some("СЕЙТОВА".to_owned()),
            given_name: Some("АЙГЕРІМ".to_owned()),
            patronymic: None,
        };
        let debug = format!("{person:?}");
        assert!(!debug.contains("СЕЙТОВА"), "{debug}");
        assert!(!debug.contains("871008401427"), "{debug}");
    }
}
