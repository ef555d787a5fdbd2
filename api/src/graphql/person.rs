//! People and the Relay `Node` interface.

use super::ids;
use async_graphql::{ID, Interface, Object};
use entities::person;

/// Anything with a global ID, fetchable with `node(id)`.
#[derive(Interface, Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "a resolved value lives only while one response is written"
)]
#[graphql(field(name = "id", ty = "ID", desc = "The opaque global ID."))]
pub enum Node {
    /// A person.
    Person(Person),
    /// An application.
    Application(super::application::Application),
    /// A request to sign one version of an application, a consent, or an appeal.
    SigningRequest(super::signing::SigningRequest),
    /// An owner's consent.
    Consent(super::consent::Consent),
    /// A document uploaded for an application.
    Document(super::document::Document),
    /// An appeal in the administrative procedure.
    Appeal(super::appeal::Appeal),
    /// A complaint against an act, an action or an inaction.
    Complaint(super::complaint::Complaint),
    /// A status change of the event feed.
    StatusEvent(super::feed::StatusEvent),
}

/// A person: a citizen, an owner, an officer.
#[derive(Debug, Clone)]
pub struct Person(pub person::Model);

/// The kind name inside a person's global ID.
pub const KIND: &str = "Person";

/// A person: a citizen, an owner, an officer.
#[Object]
impl Person {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.id)
    }

    /// The individual identification number (12 digits).
    async fn iin(&self) -> &str {
        &self.0.iin
    }

    /// The surname, as the certificate or the population registry gives it.
    async fn surname(&self) -> Option<&str> {
        self.0.surname.as_deref()
    }

    /// The given name.
    async fn given_name(&self) -> Option<&str> {
        self.0.given_name.as_deref()
    }

    /// The patronymic.
    async fn patronymic(&self) -> Option<&str> {
        self.0.patronymic.as_deref()
    }

    /// The mobile phone in E.164, from the citizens' mobile database (null when unknown).
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
}
