//! Who may act for a person: their legal representatives, as the civil registry records them,
//! and attorneys under notarised powers of attorney, as the notaries' registry records them.

use time::Date;

use crate::domain::Iin;

/// Why the civil registry names someone a person's legal representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RepresentationBasis {
    /// A parent: represents their child while the child is a minor.
    Parent,
    /// A guardian: of a minor, or of a person a court recognised incapacitated.
    Guardian,
    /// A trustee: of a person whose capacity a court limited.
    Trustee,
}

impl RepresentationBasis {
    /// Every basis, in the order they are listed to people.
    pub const ALL: [Self; 3] = [Self::Parent, Self::Guardian, Self::Trustee];

    /// The stable identifier: `PARENT`, `GUARDIAN` or `TRUSTEE`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parent => "PARENT",
            Self::Guardian => "GUARDIAN",
            Self::Trustee => "TRUSTEE",
        }
    }

    /// The basis with this identifier (exact, upper case), if any.
    #[must_use]
    pub fn parse(identifier: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == identifier)
    }
}

/// One legal representation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalRepresentation {
    /// The person represented.
    pub principal: Iin,
    /// Who represents them.
    pub representative: Iin,
    pub basis: RepresentationBasis,
}

/// A notarised power of attorney.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerOfAttorney {
    /// Its number in the notaries' registry.
    pub number: String,
    pub issued_on: Date,
    /// The last day it is valid.
    pub valid_until: Date,
    /// Who gave it.
    pub principal: Iin,
    /// Who acts under it.
    pub attorney: Iin,
    /// The day the principal revoked it, if they did.
    pub revoked_on: Option<Date>,
}

impl PowerOfAttorney {
    /// Whether it lets its attorney act on `day`: issued, not expired, not revoked.
    #[must_use]
    pub fn valid_on(&self, day: Date) -> bool {
        self.issued_on <= day
            && day <= self.valid_until
            && self.revoked_on.is_none_or(|revoked| day < revoked)
    }
}
