//! SeaORM entities: one module per table, and the active enums of the enumerated columns. The
//! tables themselves are created by the `migrations` crate, which never imports these.

pub mod application;
pub mod application_status_change;
pub mod auth_challenge;
pub mod certificate_lookup;
pub mod check_result;
pub mod consent;
pub mod decision;
pub mod document;
pub mod enums;
pub mod event;
pub mod event_audience;
pub mod evidence;
pub mod integrator;
pub mod legal_representative;
pub mod notification_read;
pub mod officer;
pub mod organisation;
pub mod person;
pub mod population_registry_entry;
pub mod power_of_attorney;
pub mod property_lookup;
pub mod real_estate_object;
pub mod real_estate_owner;
pub mod real_estate_tenant;
pub mod registration;
pub mod restricted_data_access;
pub mod session;
pub mod signature_evidence;
pub mod signing_request;
pub mod sms_outbox;
pub mod state_document;
pub mod stored_signature;
