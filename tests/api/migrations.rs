//! The migrations run unchanged on both databases, and can be rolled back and re-applied.

use crate::helpers::now;
use crate::helpers::{BACKENDS, RemoveDatabase, settings};
use migrations::{Migrator, MigratorTrait};

#[actix_web::test]
async fn migrations_apply_roll_back_and_reapply_on_both_backends() {
    for backend in BACKENDS {
        let (settings, database_url) = settings(backend, &[]).await;
        let _cleanup = RemoveDatabase(database_url);
        let db = api::core::database::connect(settings.database_url.expose())
            .await
            .expect("connects");
        Migrator::up(&db, None)
            .await
            .unwrap_or_else(|e| panic!("{backend:?} up: {e}"));
        let applied = Migrator::get_applied_migrations(&db)
            .await
            .expect("applied");
        assert_eq!(applied.len(), Migrator::migrations().len(), "{backend:?}");
        Migrator::down(&db, None)
            .await
            .unwrap_or_else(|e| panic!("{backend:?} down: {e}"));
        assert!(
            Migrator::get_applied_migrations(&db)
                .await
                .expect("none")
                .is_empty()
        );
        Migrator::up(&db, None)
            .await
            .unwrap_or_else(|e| panic!("{backend:?} up again: {e}"));
        // And the registry import works on what the migrations made.
        let report = api::core::registries::import::import(
            &db,
            api::core::registries::import::DEMO_DATA,
            now(),
        )
        .await
        .expect("imports");
        assert!(report.is_ok(), "{backend:?}: {report}");
    }
}
