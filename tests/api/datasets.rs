//! The `datasets` query: each bundled list with figures counted from the database, which must
//! agree with a recomputation from the CSV files; and the README's table, which must be the
//! generated one.

use crate::helpers::spawn_app;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

const QUERY: &str = "{ datasets { name folder asOf complete note records datedFields \
                     exactDateShare primaryOrPublisherShare } }";

fn dataset() -> seed::Dataset {
    seed::read_dataset(&seed::bundled_data_dir()).unwrap_or_else(|e| panic!("{e}"))
}

/// Rows of one bundled CSV file, read with the csv crate (independently of the loader).
fn rows_in(file: &str) -> usize {
    let path = seed::bundled_data_dir().join(file);
    csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .count()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn every_list_has_the_figures_the_files_give() {
    let app = spawn_app().await;
    let data = app.data(QUERY, json!({})).await;
    let lists = data["datasets"].as_array().expect("a list");
    let expected = seed::report::lists(&dataset());
    assert_eq!(lists.len(), expected.len(), "one entry per CSV file");
    for (got, want) in lists.iter().zip(&expected) {
        assert_eq!(got["name"], want.name.as_str());
        assert_eq!(
            got["folder"],
            want.name.split('/').next().unwrap_or_default()
        );
        assert_eq!(got["records"], want.records, "{}", want.name);
        assert_eq!(got["records"], rows_in(&want.name), "{}", want.name);
        assert_eq!(got["datedFields"], want.dated_fields, "{}", want.name);
        assert_eq!(got["complete"], want.complete, "{}", want.name);
        assert_eq!(
            got["asOf"],
            json!(want.as_of.map(|d| d.to_string())),
            "{}",
            want.name
        );
        for (field, share) in [
            ("exactDateShare", want.exact_date_share()),
            ("primaryOrPublisherShare", want.primary_or_publisher_share()),
        ] {
            assert!(
                close(&got[field], share),
                "{} {field}: {} != {share}",
                want.name,
                got[field]
            );
            let v = got[field].as_f64().unwrap_or(-1.0);
            assert!((0.0..=1.0).contains(&v), "{} {field} = {v}", want.name);
        }
    }
    let iccpr = lists
        .iter()
        .find(|l| l["name"] == "commitments/iccpr.csv")
        .expect("the ICCPR list");
    assert_eq!(iccpr["records"], rows_in("commitments/iccpr.csv"));
    // Every party and signatory, from the depositary's status page saved on that day.
    assert_eq!(iccpr["asOf"], "2026-02-03");
    assert_eq!(iccpr["complete"], true);
}

#[tokio::test]
async fn only_published_records_are_counted() {
    let app = spawn_app().await;
    let count = |data: &Value| {
        data["datasets"]
            .as_array()
            .and_then(|l| l.iter().find(|d| d["name"] == "commitments/iccpr.csv"))
            .map(|d| d["records"].clone())
            .unwrap_or_default()
    };
    let before = count(&app.data(QUERY, json!({})).await);
    let backend = app.db.get_database_backend();
    app.db
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE commitments SET status = 'DRAFT' WHERE id = \
             (SELECT MIN(record_id) FROM dataset_records WHERE record_kind = 'COMMITMENT' \
              AND dataset_id = (SELECT id FROM datasets WHERE name = 'commitments/iccpr.csv'))",
        ))
        .await
        .expect("update");
    // A change behind the write path's back: the stored public visibility is brought in line
    // as `normwatch migrate` (and every start) does.
    entity::visibility::store_public(&app.db)
        .await
        .expect("the public visibility stored");
    let after = count(&app.data(QUERY, json!({})).await);
    assert_eq!(
        after.as_i64(),
        before.as_i64().map(|n| n - 1),
        "a draft is not counted"
    );
}

#[test]
fn the_readme_table_is_the_generated_one() {
    let path = seed::bundled_data_dir().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("seed/data/README.md");
    let table = seed::report::markdown(&seed::report::lists(&dataset()));
    let expected = seed::report::with_table(&readme, &table).expect("the README has the markers");
    assert!(
        readme == expected,
        "the table in seed/data/README.md is out of date: run \
         `cargo run -- seed --path seed/data --report --update-readme`"
    );
}
