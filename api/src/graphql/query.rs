//! Root queries: the signed-in person and `node(id)`.

use super::application::{Application, KIND as APPLICATION};
use super::context::{request, service, signed_in};
use super::errors::internal;
use super::ids;
use super::person::{KIND as PERSON, Node, Person};
use super::signing::{KIND as SIGNING_REQUEST, SigningRequest};
use async_graphql::{Context, ID, Object};
use entities::person;
use registration_core::policy::{self, Operation};
use registration_core::service::{applications, signing};
use sea_orm::EntityTrait;

/// Root queries.
#[derive(Default, Debug)]
pub struct RootQuery;

/// Root queries.
#[Object]
impl RootQuery {
    /// The signed-in person. `UNAUTHENTICATED` without a valid session.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        let viewer = signed_in(ctx, Operation::Viewer)?;
        let locale = request(ctx)?.locale;
        let found = person::Entity::find_by_id(viewer.person_id)
            .one(&service(ctx)?.db)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(found.map(Person))
    }

    /// Any object by its global ID; null when it does not exist or the caller may not see it
    /// (a person sees themself, their applications and their signing requests; an officer sees
    /// anyone and any application).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let viewer = signed_in(ctx, Operation::Node)?;
        let locale = request(ctx)?.locale;
        let Some((kind, uuid)) = ids::decode(&id) else {
            return Ok(None);
        };
        let service = service(ctx)?;
        match kind.as_str() {
            PERSON => {
                if !policy::may_read_person(viewer, uuid) {
                    return Ok(None);
                }
                let found = person::Entity::find_by_id(uuid)
                    .one(&service.db)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|p| Node::Person(Person(p))))
            }
            APPLICATION => {
                let found = applications::read(service, viewer, uuid)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|a| Node::Application(Application(a))))
            }
            super::consent::KIND => {
                let found = registration_core::service::consents::find(service, viewer, uuid)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|c| Node::Consent(super::consent::Consent(c))))
            }
            super::document::KIND => {
                let found = registration_core::service::documents::find(service, viewer, uuid)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|d| Node::Document(super::document::Document(d))))
            }
            super::appeal::KIND | super::complaint::KIND => {
                use registration_core::service::appeals::{self, Procedure};
                let found = appeals::find_readable(service, viewer, uuid)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(
                    found.and_then(|a| match (Procedure::of(&a), kind.as_str()) {
                        (Procedure::Appeal, super::appeal::KIND) => {
                            Some(Node::Appeal(super::appeal::Appeal(a)))
                        }
                        (Procedure::Complaint, super::complaint::KIND) => {
                            Some(Node::Complaint(super::complaint::Complaint(a)))
                        }
                        _ => None,
                    }),
                )
            }
            super::feed::KIND => {
                let reader = registration_core::service::feed::Reader::Person(viewer);
                let found = registration_core::service::feed::find(service, reader, uuid)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|e| Node::StatusEvent(super::feed::StatusEvent(e))))
            }
            SIGNING_REQUEST => {
                let found = signing::find_request(service, viewer, uuid)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|r| Node::SigningRequest(SigningRequest(r))))
            }
            _ => Ok(None),
        }
    }
}
