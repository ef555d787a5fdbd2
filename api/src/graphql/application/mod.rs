//! Applications in GraphQL: the `Application` node, `application`, `myApplications`,
//! `propertyLookup`, and the draft mutations.
//!
//! One concern per file: `types` (the node and the output types), `inputs` (the input objects
//! and their validation), `queries`, `mutations`, and `messages` (the sentences and field paths
//! users see).

mod inputs;
mod messages;
mod mutations;
mod queries;
mod types;

pub use inputs::{
    AddressInput, ArrivalFromAbroadInput, CreateApplicationInput, FrontOfficeInput,
    IdentityDocumentInput, RepresentationDocumentInput, RepresentationInput,
    UpdateApplicationInput, WithdrawApplicationInput,
};
pub(crate) use messages::field_path;
pub use mutations::ApplicationMutation;
pub use queries::ApplicationQuery;
pub use types::{
    Application, ApplicationAddress, ApplicationConnection, ApplicationEdge, ApplicationPayload,
    DwellingKind, MissingRequirement, PropertyLookupResult, StatusChange, StatusChangeConnection,
    StatusChangeEdge,
};

/// The kind name inside an application's global ID.
pub const KIND: &str = "Application";
