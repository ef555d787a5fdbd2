//! DataLoaders, made per request: nested lists and per-node lookups of a page cost a constant
//! number of SQL statements, not one or two per node. Loaders only load; whether the caller may
//! see a parent was decided by the policy before the parent was resolved.

use async_graphql::dataloader::{DataLoader, Loader};
use entities::{
    application_status_change, check_result, decision, document, registration, stored_signature,
};
use registration_core::ServiceContext;
use registration_core::service::applications::{self, draft::AddressChoice};
use registration_core::service::property;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// A loader failed; the cause is logged where it happened.
#[derive(Debug, Clone)]
pub struct LoadFailed;

/// The first changes of an application's history (a page that starts at the beginning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FirstHistory {
    pub application: Uuid,
    /// How many changes, the page size plus one (to learn whether another page follows).
    pub limit: u64,
}

/// Loads history pages and registry answers for one request.
#[derive(Debug)]
pub struct Loaders {
    service: ServiceContext,
}

impl Loader<FirstHistory> for Loaders {
    type Value = Arc<Vec<application_status_change::Model>>;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[FirstHistory],
    ) -> Result<HashMap<FirstHistory, Self::Value>, Self::Error> {
        let mut by_limit: HashMap<u64, Vec<Uuid>> = HashMap::new();
        for key in keys {
            by_limit.entry(key.limit).or_default().push(key.application);
        }
        let mut loaded = HashMap::new();
        // One statement per distinct page size: in practice one.
        for (limit, ids) in by_limit {
            let pages = applications::first_history_of_each(&self.service, &ids, limit)
                .await
                .map_err(|error| {
                    tracing::error!(error = %error.chain(), "loading histories failed");
                    LoadFailed
                })?;
            for (application, rows) in pages {
                loaded.insert(FirstHistory { application, limit }, Arc::new(rows));
            }
        }
        Ok(loaded)
    }
}

/// How many status changes an application has (its history's `totalCount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HistoryCount(pub Uuid);

impl Loader<HistoryCount> for Loaders {
    type Value = u64;
    type Error = LoadFailed;

    async fn load(&self, keys: &[HistoryCount]) -> Result<HashMap<HistoryCount, u64>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let counts = applications::history_counts(&self.service, &ids)
            .await
            .map_err(|error| {
                tracing::error!(error = %error.chain(), "counting histories failed");
                LoadFailed
            })?;
        Ok(counts
            .into_iter()
            .map(|(application, count)| (HistoryCount(application), count))
            .collect())
    }
}

/// The signature that submitted an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubmissionSignature(pub Uuid);

impl Loader<SubmissionSignature> for Loaders {
    type Value = Arc<stored_signature::Model>;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[SubmissionSignature],
    ) -> Result<HashMap<SubmissionSignature, Self::Value>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let found = applications::submission_signatures(&self.service, &ids)
            .await
            .map_err(|error| {
                tracing::error!(error = %error.chain(), "loading signatures failed");
                LoadFailed
            })?;
        Ok(found
            .into_iter()
            .map(|(id, row)| (SubmissionSignature(id), Arc::new(row)))
            .collect())
    }
}

/// The decision on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApplicationDecision(pub Uuid);

impl Loader<ApplicationDecision> for Loaders {
    /// `None` for an application without one, so that its absence is cached too.
    type Value = Option<Arc<decision::Model>>;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[ApplicationDecision],
    ) -> Result<HashMap<ApplicationDecision, Self::Value>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let mut found = decisions_of(&self.service, &ids).await?;
        Ok(ids
            .into_iter()
            .map(|id| (ApplicationDecision(id), found.remove(&id)))
            .collect())
    }
}

async fn decisions_of(
    service: &ServiceContext,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Arc<decision::Model>>, LoadFailed> {
    let found = registration_core::service::review::decisions_of(service, ids)
        .await
        .map_err(|error| {
            tracing::error!(error = %error.chain(), "loading decisions failed");
            LoadFailed
        })?;
    Ok(found
        .into_iter()
        .map(|(id, row)| (id, Arc::new(row)))
        .collect())
}

/// The latest check results of an application (the resolver decides who sees them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApplicationChecks(pub Uuid);

impl Loader<ApplicationChecks> for Loaders {
    /// Empty for an application never checked, so that their absence is cached too.
    type Value = Arc<Vec<check_result::Model>>;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[ApplicationChecks],
    ) -> Result<HashMap<ApplicationChecks, Self::Value>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let mut found = checks_of(&self.service, &ids).await?;
        Ok(ids
            .into_iter()
            .map(|id| {
                let rows = found.remove(&id).unwrap_or_default();
                (ApplicationChecks(id), Arc::new(rows))
            })
            .collect())
    }
}

async fn checks_of(
    service: &ServiceContext,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<check_result::Model>>, LoadFailed> {
    registration_core::service::review::checks::latest_of(&service.db, ids)
        .await
        .map_err(|error| {
            tracing::error!(%error, "loading check results failed");
            LoadFailed
        })
}

/// The documents of an application that count (the resolver decides who sees them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApplicationDocuments(pub Uuid);

impl Loader<ApplicationDocuments> for Loaders {
    /// Empty for an application without any, so that their absence is cached too.
    type Value = Arc<Vec<document::Model>>;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[ApplicationDocuments],
    ) -> Result<HashMap<ApplicationDocuments, Self::Value>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let mut found = documents_of(&self.service, &ids).await?;
        Ok(ids
            .into_iter()
            .map(|id| {
                let rows = found.remove(&id).unwrap_or_default();
                (ApplicationDocuments(id), Arc::new(rows))
            })
            .collect())
    }
}

async fn documents_of(
    service: &ServiceContext,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<document::Model>>, LoadFailed> {
    registration_core::service::documents::of_applications(&service.db, ids)
        .await
        .map_err(|error| {
            tracing::error!(%error, "loading documents failed");
            LoadFailed
        })
}

/// The registration an application resulted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApplicationRegistration(pub Uuid);

impl Loader<ApplicationRegistration> for Loaders {
    /// `None` for an application without one, so that its absence is cached too.
    type Value = Option<Arc<registration::Model>>;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[ApplicationRegistration],
    ) -> Result<HashMap<ApplicationRegistration, Self::Value>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let mut found = registrations_of(&self.service, &ids).await?;
        Ok(ids
            .into_iter()
            .map(|id| (ApplicationRegistration(id), found.remove(&id)))
            .collect())
    }
}

async fn registrations_of(
    service: &ServiceContext,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Arc<registration::Model>>, LoadFailed> {
    let found = registration_core::service::review::registrations::of_applications(service, ids)
        .await
        .map_err(|error| {
            tracing::error!(error = %error.chain(), "loading registrations failed");
            LoadFailed
        })?;
    Ok(found
        .into_iter()
        .map(|(id, row)| (id, Arc::new(row)))
        .collect())
}

impl Loader<AddressChoice> for Loaders {
    type Value = bool;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[AddressChoice],
    ) -> Result<HashMap<AddressChoice, bool>, LoadFailed> {
        property::addresses_exist(&self.service, keys)
            .await
            .map_err(|error| {
                tracing::error!(error = %error.chain(), "looking addresses up failed");
                LoadFailed
            })
    }
}

/// The request's loaders.
pub type RequestLoaders = DataLoader<Loaders, async_graphql::dataloader::HashMapCache>;

/// New loaders for one request.
pub fn for_request(service: &ServiceContext) -> RequestLoaders {
    // With a cache (for this request only), so that what a parent primed is not loaded again.
    DataLoader::with_cache(
        Loaders {
            service: service.clone(),
        },
        actix_web::rt::spawn,
        async_graphql::dataloader::HashMapCache::default(),
    )
}

/// Primes the loaders for a page of applications, from what the query selects below it: the
/// registry's answers for every address, the first page of every history and every history's
/// length. The loaders
/// would batch these too, but a batch closes after a short delay, so how many statements a page
/// costs would depend on how fast its nodes resolve; primed, it is constant.
pub async fn prime_for_applications(
    ctx: &async_graphql::Context<'_>,
    rows: &[entities::application::Model],
) -> async_graphql::Result<()> {
    let (Ok(loaders), Ok(request)) = (
        ctx.data::<RequestLoaders>(),
        ctx.data::<crate::graphql::context::RequestContext>(),
    ) else {
        return Ok(());
    };
    let locale = request.locale;
    let service = &loaders.loader().service;
    let node = ctx.look_ahead().field("edges").field("node");
    if node.field("missingRequirements").exists() {
        let addresses: Vec<AddressChoice> = rows
            .iter()
            .filter_map(property::address_of)
            .collect::<std::collections::HashSet<_>>()
            .into_iter()
            .collect();
        let found = property::addresses_exist(service, &addresses)
            .await
            .map_err(|e| crate::graphql::errors::internal(e, locale))?;
        loaders.feed_many(found).await;
    }
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let failed = |_| {
        crate::graphql::errors::api_error(crate::graphql::errors::ApiErrorCode::Internal, locale)
    };
    if node.field("decision").exists() {
        let mut found = decisions_of(service, &ids).await.map_err(failed)?;
        loaders
            .feed_many(
                ids.iter()
                    .map(|id| (ApplicationDecision(*id), found.remove(id))),
            )
            .await;
    }
    if node.field("checks").exists() {
        let mut found = checks_of(service, &ids).await.map_err(failed)?;
        loaders
            .feed_many(ids.iter().map(|id| {
                let rows = found.remove(id).unwrap_or_default();
                (ApplicationChecks(*id), Arc::new(rows))
            }))
            .await;
    }
    if node.field("documents").exists() {
        let mut found = documents_of(service, &ids).await.map_err(failed)?;
        loaders
            .feed_many(ids.iter().map(|id| {
                let rows = found.remove(id).unwrap_or_default();
                (ApplicationDocuments(*id), Arc::new(rows))
            }))
            .await;
    }
    if node.field("registration").exists() {
        let mut found = registrations_of(service, &ids).await.map_err(failed)?;
        loaders
            .feed_many(
                ids.iter()
                    .map(|id| (ApplicationRegistration(*id), found.remove(id))),
            )
            .await;
    }
    if node.field("history").field("totalCount").exists() {
        let counts = applications::history_counts(service, &ids)
            .await
            .map_err(|e| crate::graphql::errors::internal(e, locale))?;
        loaders
            .feed_many(
                counts
                    .into_iter()
                    .map(|(id, count)| (HistoryCount(id), count)),
            )
            .await;
    }
    if node.field("signature").exists() {
        let found = applications::submission_signatures(service, &ids)
            .await
            .map_err(|e| crate::graphql::errors::internal(e, locale))?;
        loaders
            .feed_many(
                found
                    .into_iter()
                    .map(|(id, row)| (SubmissionSignature(id), Arc::new(row))),
            )
            .await;
    }
    for history in node.field("history").selection_fields() {
        let arguments = history.arguments()?;
        if arguments
            .iter()
            .any(|(name, value)| name.as_str() == "after" && *value != async_graphql::Value::Null)
        {
            continue;
        }
        let first = arguments
            .iter()
            .find(|(name, _)| name.as_str() == "first")
            .and_then(|(_, value)| match value {
                async_graphql::Value::Number(n) => n.as_u64(),
                _ => None,
            })
            .unwrap_or(20)
            .clamp(1, 100);
        let limit = first + 1;
        let pages = applications::first_history_of_each(service, &ids, limit)
            .await
            .map_err(|e| crate::graphql::errors::internal(e, locale))?;
        loaders
            .feed_many(
                pages.into_iter().map(|(application, rows)| {
                    (FirstHistory { application, limit }, Arc::new(rows))
                }),
            )
            .await;
    }
    Ok(())
}
