//! The GraphQL schema: one object per area, merged. Resolvers stay thin and call `service`.

pub mod appeal;
pub mod appeal_review;
pub mod application;
pub mod auth;
pub mod catalogue;
pub mod certificate;
pub mod complaint;
pub mod connection;
pub mod consent;
pub mod context;
pub mod document;
pub mod enums;
pub mod errors;
pub mod feed;
pub mod front_office;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod locale;
pub mod notification;
pub mod order;
pub mod otp;
pub mod pagination;
pub mod person;
pub mod query;
pub mod review;
pub mod sentences;
pub mod signing;
pub mod subscription;

use crate::state::AppState;
use async_graphql::{MergedObject, Schema};

/// Every query.
#[derive(MergedObject, Default, Debug)]
pub struct Query(
    query::RootQuery,
    application::ApplicationQuery,
    otp::SealQuery,
    notification::NotificationQuery,
    consent::ConsentQuery,
    review::ReviewQuery,
    certificate::CertificateQuery,
    appeal::AppealQuery,
    appeal_review::AppealReviewQuery,
    complaint::ComplaintQuery,
    feed::FeedQuery,
);

/// Every mutation.
#[derive(MergedObject, Default, Debug)]
pub struct Mutation(
    auth::AuthMutation,
    otp::OtpMutation,
    application::ApplicationMutation,
    signing::SigningMutation,
    notification::NotificationMutation,
    consent::ConsentMutation,
    review::ReviewMutation,
    document::DocumentMutation,
    front_office::FrontOfficeMutation,
    appeal::AppealMutation,
    appeal_review::AppealReviewMutation,
    complaint::ComplaintMutation,
);

/// The schema type.
pub type AppSchema = Schema<Query, Mutation, subscription::SubscriptionRoot>;

/// Builds the schema, with limits, around the application's state.
pub fn build(state: Option<AppState>) -> AppSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::SubscriptionRoot,
    )
    .limit_recursive_depth(32)
    .extension(limits::DocumentLimits)
    .extension(order::SelectionOrder)
    .register_output_type::<person::Node>();
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The SDL, as `registration-api print-schema` prints it and `schema.graphql` holds it.
pub fn sdl() -> String {
    build(None).sdl()
}
