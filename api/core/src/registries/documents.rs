//! The documents the state issued to persons: identity cards and passports of citizens of the
//! RK, and birth certificates. The service confirms them by number through the state's
//! registries; a copy is asked for only of what the state cannot hold (foreign documents,
//! uploaded).

use time::Date;

use crate::domain::Iin;

/// Which document the state issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateDocumentKind {
    /// The identity card of a citizen of the RK.
    IdCard,
    /// The passport of a citizen of the RK.
    Passport,
    /// A birth certificate.
    BirthCertificate,
}

impl StateDocumentKind {
    /// Every kind, in the order they are listed to people.
    pub const ALL: [Self; 3] = [Self::IdCard, Self::Passport, Self::BirthCertificate];

    /// The stable identifier: `ID_CARD`, `PASSPORT` or `BIRTH_CERTIFICATE`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdCard => "ID_CARD",
            Self::Passport => "PASSPORT",
            Self::BirthCertificate => "BIRTH_CERTIFICATE",
        }
    }

    /// The kind with this identifier (exact, upper case), if any.
    #[must_use]
    pub fn parse(identifier: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == identifier)
    }

    /// Whether it identifies a person at a counter (a birth certificate alone does not).
    #[must_use]
    pub fn is_identity_document(self) -> bool {
        matches!(self, Self::IdCard | Self::Passport)
    }
}

impl From<entities::enums::StateDocumentKind> for StateDocumentKind {
    fn from(kind: entities::enums::StateDocumentKind) -> Self {
        use entities::enums::StateDocumentKind as Stored;
        match kind {
            Stored::IdCard => Self::IdCard,
            Stored::Passport => Self::Passport,
            Stored::BirthCertificate => Self::BirthCertificate,
        }
    }
}

impl From<StateDocumentKind> for entities::enums::StateDocumentKind {
    fn from(kind: StateDocumentKind) -> Self {
        match kind {
            StateDocumentKind::IdCard => Self::IdCard,
            StateDocumentKind::Passport => Self::Passport,
            StateDocumentKind::BirthCertificate => Self::BirthCertificate,
        }
    }
}

/// One document the state issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDocument {
    pub kind: StateDocumentKind,
    /// As printed (series included), upper case.
    pub number: String,
    /// The person it was issued to.
    pub holder: Iin,
    pub issued_on: Date,
    /// The last day it is valid (`None`: a birth certificate, valid for life).
    pub valid_until: Option<Date>,
    /// The day it stopped being valid before that (declared lost, replaced, withdrawn).
    pub invalidated_on: Option<Date>,
}

impl StateDocument {
    /// Whether it is valid on `day`: issued, not expired, not invalidated.
    #[must_use]
    pub fn valid_on(&self, day: Date) -> bool {
        self.issued_on <= day
            && self.valid_until.is_none_or(|last| day <= last)
            && self.invalidated_on.is_none_or(|ended| day < ended)
    }

    /// The number with all but its last three characters hidden, for logs and for people who
    /// need only to recognise it.
    #[must_use]
    pub fn masked_number(&self) -> String {
        mask_document_number(&self.number)
    }
}

/// A document number with all but its last three characters hidden.
#[must_use]
pub fn mask_document_number(number: &str) -> String {
    let length = number.chars().count();
    let hidden = length.saturating_sub(3);
    number
        .chars()
        .enumerate()
        .map(|(at, c)| if at < hidden { '*' } else { c })
        .collect()
}

/// Why a document named by a person does not identify them on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentMismatch {
    /// The registry has no document of that kind and number.
    #[error("the state's registries have no such document")]
    Unknown,
    /// It was issued to someone else.
    #[error("the document was issued to another person")]
    OtherHolder,
    /// Expired, invalidated, or not yet issued.
    #[error("the document is not valid")]
    NotValid,
}

impl StateDocument {
    /// Whether this document (as the registry answered for a kind and number) identifies
    /// `person` on `day`.
    pub fn identifies(
        found: Option<&Self>,
        person: &Iin,
        day: Date,
    ) -> Result<(), DocumentMismatch> {
        let document = found.ok_or(DocumentMismatch::Unknown)?;
        if &document.holder != person {
            return Err(DocumentMismatch::OtherHolder);
        }
        if !document.valid_on(day) {
            return Err(DocumentMismatch::NotValid);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_last_three() {
        assert_eq!(mask_document_number("048123456"), "******456");
        assert_eq!(mask_document_number("AB"), "AB");
        assert_eq!(mask_document_number("I-АЛ 123"), "*****123");
    }
}
