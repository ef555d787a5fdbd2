//! Who may do what: the one place that answers "may this actor do this to that" for every
//! operation. Resolvers and workflows ask here; nothing else decides access.
//!
//! Two questions, asked in turn: [`authorize`] (may this kind of caller run the operation at
//! all: anonymous callers are turned away before any work, and so are integrators, but for the
//! few operations [`Operation::is_for_integrators`] names), then, for an
//! operation on an existing object, [`may_read`] / [`may_change`] on that object. An object the
//! caller may not read is reported as not found, so that its existence is not revealed.

use crate::auth::viewer::{Principal, SignedIn};
use entities::application;
use entities::enums::Channel;
use uuid::Uuid;

/// Every operation a caller can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Start a sign-in (anyone).
    CreateAuthChallenge,
    /// Sign in with a signed challenge (anyone).
    LoginWithSignature,
    /// End one's session.
    Logout,
    /// Read oneself.
    Viewer,
    /// Read any object by its global ID.
    Node,
    /// Read an application.
    ReadApplication,
    /// List one's own applications.
    ListOwnApplications,
    /// Ask the property registry whether an address exists.
    LookupProperty,
    /// Create a draft.
    CreateApplication,
    /// Change a draft.
    UpdateApplication,
    /// Withdraw an application.
    WithdrawApplication,
    /// Prepare the signing of an application.
    PrepareSigning,
    /// Sign and submit an application.
    SubmitApplication,
    /// Ask for a one-time password (anyone for sign-in; signing needs the signer's session).
    RequestOtp,
    /// Sign in with a one-time password (anyone).
    LoginWithOtp,
    /// Read the public keys of the service's seal (anyone).
    SealKeys,
    /// Read a consent (its owner, or a party to its application).
    ReadConsent,
    /// List one's own consents (as an owner).
    ListOwnConsents,
    /// Prepare the signing of a consent.
    PrepareConsentSigning,
    /// Sign a consent.
    SignConsent,
    /// Decline a consent.
    DeclineConsent,
    /// Remind an owner of a consent (the applicant).
    RemindConsent,
    /// Read one's own notifications (the events whose audience names one).
    ReadNotifications,
    /// Mark one's own notifications read.
    MarkNotificationsRead,
    /// An officer's work: the review queue, claims, decisions, other persons' registrations,
    /// the service-time statistics (the service checks the officer's body on each).
    ReviewApplications,
    /// List one's own registrations.
    ListOwnRegistrations,
    /// Check a certificate (holder, validity, path, revocation) before asking someone to sign
    /// with its key: signed-in persons and integrators.
    CertificateInfo,
    /// Draft an appeal and prepare its signing (the applicant).
    PrepareAppealSigning,
    /// Sign and file one's appeal.
    FileAppeal,
    /// Correct one's appeal that misses a requirement.
    CorrectAppeal,
    /// Withdraw one's appeal before a decision.
    WithdrawAppeal,
    /// Read one's own appeals.
    ReadAppeals,
    /// Read the administrative bodies and who is above whom.
    ListAdministrativeBodies,
    /// An officer's work on appeals and complaints: the lists, referral, decisions, the
    /// head's extension, forwarding, self-satisfaction and restoration.
    ReviewAppeals,
    /// Draft a complaint and prepare its signing.
    PrepareComplaintSigning,
    /// Sign and file one's complaint.
    FileComplaint,
    /// Read the event feed: an integrator within its scope, a person their own entities'.
    ReadEvents,
}

impl Operation {
    /// Every operation, for tests that go through them all.
    pub const ALL: [Operation; 37] = [
        Operation::CreateAuthChallenge,
        Operation::LoginWithSignature,
        Operation::Logout,
        Operation::Viewer,
        Operation::Node,
        Operation::ReadApplication,
        Operation::ListOwnApplications,
        Operation::LookupProperty,
        Operation::CreateApplication,
        Operation::UpdateApplication,
        Operation::WithdrawApplication,
        Operation::PrepareSigning,
        Operation::SubmitApplication,
        Operation::RequestOtp,
        Operation::LoginWithOtp,
        Operation::SealKeys,
        Operation::ReadConsent,
        Operation::ListOwnConsents,
        Operation::PrepareConsentSigning,
        Operation::SignConsent,
        Operation::DeclineConsent,
        Operation::RemindConsent,
        Operation::ReadNotifications,
        Operation::MarkNotificationsRead,
        Operation::ReviewApplications,
        Operation::ListOwnRegistrations,
        Operation::CertificateInfo,
        Operation::PrepareAppealSigning,
        Operation::FileAppeal,
        Operation::CorrectAppeal,
        Operation::WithdrawAppeal,
        Operation::ReadAppeals,
        Operation::ListAdministrativeBodies,
        Operation::ReviewAppeals,
        Operation::PrepareComplaintSigning,
        Operation::FileComplaint,
        Operation::ReadEvents,
    ];

    /// Whether anyone, signed in or not, may run it.
    fn is_public(self) -> bool {
        matches!(
            self,
            Operation::CreateAuthChallenge
                | Operation::LoginWithSignature
                | Operation::RequestOtp
                | Operation::LoginWithOtp
                | Operation::SealKeys
        )
    }

    /// Whether an integrator (an API key, no person) may run it: what serves a frontend before
    /// a person acts and reveals nothing of anyone's records, and the event feed within the
    /// integrator's scope (ids, types, statuses and times only).
    pub fn is_for_integrators(self) -> bool {
        matches!(self, Operation::CertificateInfo | Operation::ReadEvents)
    }
}

/// Why a caller is turned away before any work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No valid session or API key.
    Unauthenticated,
    /// A valid caller who may not run this operation.
    Forbidden,
}

/// May this caller run the operation at all? Returns the signed-in person when there is one.
pub fn authorize(principal: &Principal, operation: Operation) -> Result<Option<&SignedIn>, Denied> {
    if operation.is_public() {
        return Ok(match principal {
            Principal::Person(person) => Some(person),
            _ => None,
        });
    }
    match principal {
        Principal::Person(person) => Ok(Some(person)),
        // An integrator checks certificates for its frontend and follows status updates in its
        // scope; nothing else is theirs.
        Principal::Integrator { .. } if operation.is_for_integrators() => Ok(None),
        Principal::Integrator { .. } => Err(Denied::Forbidden),
        Principal::Anonymous | Principal::InvalidToken => Err(Denied::Unauthenticated),
    }
}

/// May this person read the application? Its applicant, the person it registers, and the
/// officers of the body that decides it.
pub fn may_read(viewer: &SignedIn, application: &application::Model) -> bool {
    viewer.person_id == application.applicant_person_id
        || application.subject_iin.as_deref() == Some(viewer.iin.as_str())
        || may_review(viewer, application)
}

/// May this officer review (and decide) the application? Only an officer of the body that
/// decides it, once it is filed.
pub fn may_review(viewer: &SignedIn, application: &application::Model) -> bool {
    matches!((&viewer.officer_of, &application.body_bin), (Some(officer), Some(body)) if officer == body)
}

/// May this person change, sign or upload documents to the application? On the portal, the
/// one who files it; at a front office, the officers of the body whose counter it was filed at
/// (the citizen is present there, not signed in).
pub fn may_change(viewer: &SignedIn, application: &application::Model) -> bool {
    match application.channel {
        Channel::Portal => viewer.person_id == application.applicant_person_id,
        // DOMAIN: front office: an officer files the application for a citizen who is present
        Channel::FrontOffice => may_review(viewer, application),
    }
}

/// May this person withdraw the application? Whoever may change it, and its applicant on
/// either channel: a citizen who filed at a front office may withdraw online.
pub fn may_withdraw(viewer: &SignedIn, application: &application::Model) -> bool {
    may_change(viewer, application) || viewer.person_id == application.applicant_person_id
}

/// May this person read the appeal (or complaint)? Its applicant, and the officers of the
/// bodies it was addressed to (or complains of), is handled by now, or is heard by.
pub fn may_read_appeal(viewer: &SignedIn, appeal: &entities::appeal::Model) -> bool {
    viewer.person_id == appeal.applicant_person_id
        || crate::service::appeals::review::may_handle_read(viewer, appeal)
}

/// May this person read a person's record? Themself, and officers.
pub fn may_read_person(viewer: &SignedIn, person_id: Uuid) -> bool {
    viewer.person_id == person_id || viewer.officer_of.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(officer: bool) -> Principal {
        Principal::Person(SignedIn {
            session_id: Uuid::new_v4(),
            person_id: Uuid::new_v4(),
            iin: "871008401427".to_owned(),
            officer_of: officer.then(|| "940140000385".to_owned()),
            acting_for: officer.then(|| "940140000385".to_owned()),
            auth_method: entities::enums::AuthMethod::Eds,
        })
    }

    #[test]
    fn the_matrix_of_callers_and_operations() {
        let integrator = Principal::Integrator {
            id: Uuid::new_v4(),
            name: "x".to_owned(),
            scope: crate::auth::viewer::IntegratorScope::everything(),
        };
        for operation in Operation::ALL {
            let public = operation.is_public();
            let integrators = if operation.is_for_integrators() {
                Ok(())
            } else {
                Err(Denied::Forbidden)
            };
            for (principal, expected) in [
                (Principal::Anonymous, Err(Denied::Unauthenticated)),
                (Principal::InvalidToken, Err(Denied::Unauthenticated)),
                (integrator.clone(), integrators),
                (person(false), Ok(())),
                (person(true), Ok(())),
            ] {
                let got = authorize(&principal, operation).map(|_| ());
                let expected = if public { Ok(()) } else { expected };
                assert_eq!(got, expected, "{operation:?} by {principal:?}");
            }
        }
    }

    #[test]
    fn integrators_may_check_certificates_and_nothing_else_that_is_not_public() {
        let integrator = Principal::Integrator {
            id: Uuid::new_v4(),
            name: "x".to_owned(),
            scope: crate::auth::viewer::IntegratorScope::everything(),
        };
        let allowed: Vec<Operation> = Operation::ALL
            .into_iter()
            .filter(|&operation| !operation.is_public())
            .filter(|&operation| authorize(&integrator, operation).is_ok())
            .collect();
        assert_eq!(allowed, [Operation::CertificateInfo, Operation::ReadEvents]);
        // No person comes with an integrator: operations that need one get none.
        assert!(matches!(
            authorize(&integrator, Operation::CertificateInfo),
            Ok(None)
        ));
        // A person's session is a person's, and no session is anyone's.
        assert!(matches!(
            authorize(&person(false), Operation::CertificateInfo),
            Ok(Some(_))
        ));
        assert_eq!(
            authorize(&Principal::Anonymous, Operation::CertificateInfo).err(),
            Some(Denied::Unauthenticated)
        );
    }

    #[test]
    fn objects_are_read_by_their_parties_and_changed_by_their_applicant() {
        let Principal::Person(applicant) = person(false) else {
            unreachable!()
        };
        let Principal::Person(stranger) = person(false) else {
            unreachable!()
        };
        let Principal::Person(officer) = person(true) else {
            unreachable!()
        };
        let mut subject = stranger.clone();
        subject.iin = "061211600012".to_owned();
        let now = time::macros::datetime!(2026-12-01 10:00 UTC);
        let mut application = crate::service::applications::draft::blank(
            "26-AAAA-AAAA".to_owned(),
            applicant.person_id,
            &applicant.iin,
            now,
        );
        application.subject_iin = Some("061211600012".to_owned());
        application.representation = entities::enums::Representation::LegalRepresentativeOfChild;
        assert!(may_read(&applicant, &application) && may_change(&applicant, &application));
        assert!(may_read(&subject, &application) && !may_change(&subject, &application));
        // A draft is no body's yet; once filed, only its body's officers review it.
        assert!(!may_read(&officer, &application));
        application.body_bin = Some("940140000385".to_owned());
        assert!(may_read(&officer, &application) && !may_change(&officer, &application));
        assert!(may_review(&officer, &application) && !may_review(&applicant, &application));
        application.body_bin = Some("050740003216".to_owned());
        assert!(!may_read(&officer, &application) && !may_review(&officer, &application));
        assert!(!may_read(&stranger, &application) && !may_change(&stranger, &application));
        // Filed at a front office: its body's officers change it, its applicant may withdraw it.
        application.channel = Channel::FrontOffice;
        application.body_bin = Some("940140000385".to_owned());
        assert!(may_change(&officer, &application) && may_withdraw(&officer, &application));
        assert!(!may_change(&applicant, &application) && may_withdraw(&applicant, &application));
        assert!(!may_withdraw(&stranger, &application));
        assert!(may_read_person(&applicant, applicant.person_id));
        assert!(!may_read_person(&applicant, stranger.person_id));
        assert!(may_read_person(&officer, stranger.person_id));
    }
}
