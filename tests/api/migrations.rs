use crate::helpers::TestDb;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

async fn table_exists(db: &sea_orm::DatabaseConnection, table: &str, postgres: bool) -> bool {
    let sql = if postgres {
        format!("SELECT 1 FROM information_schema.tables WHERE table_name = '{table}'")
    } else {
        format!("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
    };
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .is_some()
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let test_db = TestDb::new().await;
    let db = test_db.connect().await;
    let pg = test_db.is_postgres();
    Migrator::up(&db, None).await.expect("up");
    for t in [
        "states",
        "commitments",
        "record_sources",
        "revisions",
        "users",
        "datasets",
        "dataset_records",
    ] {
        assert!(table_exists(&db, t, pg).await, "{t} after up");
    }
    Migrator::down(&db, None).await.expect("down");
    for t in [
        "states",
        "commitments",
        "record_sources",
        "revisions",
        "users",
        "datasets",
        "dataset_records",
    ] {
        assert!(!table_exists(&db, t, pg).await, "{t} after down");
    }
    Migrator::up(&db, None).await.expect("up again");
    assert!(table_exists(&db, "assessments", pg).await);
    assert!(Migrator::get_pending_migrations(&db)
        .await
        .expect("status")
        .is_empty());
}

#[tokio::test]
async fn sources_that_exist_before_the_tier_column_get_secondary() {
    let test_db = TestDb::new().await;
    let db = test_db.connect().await;
    // Every migration before m20261128_000019_add_source_tier.
    Migrator::up(&db, Some(18)).await.expect("up to 18");
    db.execute_unprepared(
        "INSERT INTO sources (created_at, updated_at, version, key, kind, title, publisher, url, \
         date_precision, status) VALUES ('2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z', 1, \
         'old-source', 'NEWS', 'An old source', 'A publisher', 'https://example.org/old', 'DAY', \
         'PUBLISHED')",
    )
    .await
    .expect("insert");
    Migrator::up(&db, None).await.expect("up");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT tier FROM sources WHERE key = 'old-source'",
        ))
        .await
        .expect("query")
        .expect("the row");
    let tier: String = row.try_get("", "tier").expect("tier");
    assert_eq!(tier, "SECONDARY");
}
