//! Application statuses and the transitions allowed between them (the one place that says
//! which changes are legal), who makes a change, and the closed list of refusal grounds.

use entities::enums as stored;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicationStatus {
    /// Being prepared by the applicant; may be incomplete.
    Draft,
    /// Signed and filed; awaiting the owners' consents or review.
    Submitted,
    /// Waiting for the owner's (every co-owner's) consent, signed with EDS.
    AwaitingConsents,
    /// Complete: being decided (automatically, or by an officer).
    InReview,
    /// Approved: waiting for the population registry to confirm the entry.
    Approved,
    /// Registered: entered in the population registry.
    Registered,
    /// Refused, on a ground of the closed list.
    Refused,
    /// Withdrawn by the applicant before a decision.
    Withdrawn,
}

use ApplicationStatus as S;

/// Every allowed transition. DOMAIN: an application may be withdrawn before a decision; a
/// refusal happens only on a closed-list ground (a missing personal-data consent refuses at
/// submission).
const TRANSITIONS: &[(ApplicationStatus, ApplicationStatus)] = &[
    (S::Draft, S::Submitted),
    (S::Draft, S::Refused),
    (S::Draft, S::Withdrawn),
    (S::Submitted, S::AwaitingConsents),
    (S::Submitted, S::InReview),
    (S::Submitted, S::Refused),
    (S::Submitted, S::Withdrawn),
    (S::AwaitingConsents, S::InReview),
    (S::AwaitingConsents, S::Refused),
    (S::AwaitingConsents, S::Withdrawn),
    (S::InReview, S::Approved),
    (S::InReview, S::Refused),
    (S::InReview, S::Withdrawn),
    // DOMAIN: the result is an entry in the population registry: registered only once the
    // registry confirms it.
    (S::Approved, S::Registered),
    // DOMAIN: complaints: a decision on a complaint can cancel the refusal and reopen the
    // application.
    (S::Refused, S::InReview),
];

impl ApplicationStatus {
    /// Every status.
    pub const ALL: [ApplicationStatus; 8] = [
        S::Draft,
        S::Submitted,
        S::AwaitingConsents,
        S::InReview,
        S::Approved,
        S::Registered,
        S::Refused,
        S::Withdrawn,
    ];

    /// Whether moving from `self` to `to` is allowed.
    pub fn can_become(self, to: ApplicationStatus) -> bool {
        TRANSITIONS.contains(&(self, to))
    }

    /// Whether a decision was made or the applicant withdrew: nothing changes any more, but
    /// for a refusal that a complaint's decision cancels (back in review).
    pub fn is_final(self) -> bool {
        matches!(self, S::Registered | S::Refused | S::Withdrawn)
    }

    /// A label for people, in Kazakh, Russian and English.
    pub fn label(self) -> (&'static str, &'static str, &'static str) {
        match self {
            S::Draft => ("Жоба", "Черновик", "Draft"),
            S::Submitted => ("Берілді", "Подано", "Submitted"),
            S::AwaitingConsents => (
                "Меншік иелерінің келісімін күтуде",
                "Ожидает согласия собственников",
                "Awaiting the owners' consent",
            ),
            S::InReview => ("Қаралуда", "На рассмотрении", "In review"),
            S::Approved => (
                "Мақұлданды, тіркеу күтілуде",
                "Одобрено, ожидает регистрации",
                "Approved, awaiting registration",
            ),
            S::Registered => ("Тіркелді", "Зарегистрирован", "Registered"),
            S::Refused => ("Бас тартылды", "Отказано", "Refused"),
            S::Withdrawn => ("Кері қайтарылды", "Отозвано", "Withdrawn"),
        }
    }
}

impl From<stored::ApplicationStatus> for ApplicationStatus {
    fn from(status: stored::ApplicationStatus) -> Self {
        use stored::ApplicationStatus as D;
        match status {
            D::Draft => S::Draft,
            D::Submitted => S::Submitted,
            D::AwaitingConsents => S::AwaitingConsents,
            D::InReview => S::InReview,
            D::Approved => S::Approved,
            D::Registered => S::Registered,
            D::Refused => S::Refused,
            D::Withdrawn => S::Withdrawn,
        }
    }
}

impl From<ApplicationStatus> for stored::ApplicationStatus {
    fn from(status: ApplicationStatus) -> Self {
        use stored::ApplicationStatus as D;
        match status {
            S::Draft => D::Draft,
            S::Submitted => D::Submitted,
            S::AwaitingConsents => D::AwaitingConsents,
            S::InReview => D::InReview,
            S::Approved => D::Approved,
            S::Registered => D::Registered,
            S::Refused => D::Refused,
            S::Withdrawn => D::Withdrawn,
        }
    }
}

/// Who changed a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorRole {
    /// The applicant (or their representative).
    Applicant,
    /// An officer of the service provider.
    Officer,
    /// The service itself, applying a rule.
    System,
    /// An owner of the dwelling (or their representative), consenting or declining.
    Owner,
    /// The administration of a hostel or dormitory, consenting for the organisation.
    Administration,
}

impl From<stored::ActorRole> for ActorRole {
    fn from(role: stored::ActorRole) -> Self {
        match role {
            stored::ActorRole::Applicant => ActorRole::Applicant,
            stored::ActorRole::Officer => ActorRole::Officer,
            stored::ActorRole::System => ActorRole::System,
            stored::ActorRole::Owner => ActorRole::Owner,
            stored::ActorRole::Administration => ActorRole::Administration,
        }
    }
}

impl From<ActorRole> for stored::ActorRole {
    fn from(role: ActorRole) -> Self {
        match role {
            ActorRole::Applicant => stored::ActorRole::Applicant,
            ActorRole::Officer => stored::ActorRole::Officer,
            ActorRole::System => stored::ActorRole::System,
            ActorRole::Owner => stored::ActorRole::Owner,
            ActorRole::Administration => stored::ActorRole::Administration,
        }
    }
}

/// A ground of refusal. DOMAIN: grounds for refusal are a closed list of two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalGround {
    /// The documents or data are unreliable, or the applicant or the materials do not meet the
    /// regulatory requirements.
    UnreliableDocumentsOrData,
    /// The applicant did not consent to access to restricted personal data (Article 8 of the
    /// Law "On Personal Data and their Protection").
    NoPersonalDataConsent,
}

impl From<stored::RefusalGround> for RefusalGround {
    fn from(ground: stored::RefusalGround) -> Self {
        match ground {
            stored::RefusalGround::UnreliableDocumentsOrData => {
                RefusalGround::UnreliableDocumentsOrData
            }
            stored::RefusalGround::NoPersonalDataConsent => RefusalGround::NoPersonalDataConsent,
        }
    }
}

impl From<RefusalGround> for stored::RefusalGround {
    fn from(ground: RefusalGround) -> Self {
        match ground {
            RefusalGround::UnreliableDocumentsOrData => {
                stored::RefusalGround::UnreliableDocumentsOrData
            }
            RefusalGround::NoPersonalDataConsent => stored::RefusalGround::NoPersonalDataConsent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transition_not_listed_is_forbidden() {
        let mut allowed = 0;
        for from in ApplicationStatus::ALL {
            for to in ApplicationStatus::ALL {
                let listed = TRANSITIONS.contains(&(from, to));
                assert_eq!(from.can_become(to), listed, "{from:?} -> {to:?}");
                if listed {
                    allowed += 1;
                    // The one exception: a complaint's decision cancels a refusal.
                    if (from, to) != (S::Refused, S::InReview) {
                        assert!(!from.is_final(), "a final status never changes: {from:?}");
                    }
                }
                if from == to {
                    assert!(!from.can_become(to), "no transition to itself: {from:?}");
                }
            }
        }
        assert_eq!(allowed, TRANSITIONS.len());
        // Spot checks of forbidden moves.
        assert!(!S::Registered.can_become(S::Withdrawn));
        assert!(
            S::Refused.can_become(S::InReview),
            "reopened on a complaint"
        );
        assert!(!S::Refused.can_become(S::Approved));
        assert!(!S::Withdrawn.can_become(S::Draft));
        assert!(!S::Draft.can_become(S::Registered));
        assert!(!S::Submitted.can_become(S::Draft));
    }

    #[test]
    fn stored_forms_round_trip() {
        for status in ApplicationStatus::ALL {
            let stored = stored::ApplicationStatus::from(status);
            assert_eq!(ApplicationStatus::from(stored), status);
        }
    }
}
