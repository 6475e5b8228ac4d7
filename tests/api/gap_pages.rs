//! `gaps` pages evaluated only as far as they reach: every page of a walk is the same slice of
//! the whole answer, whoever asks (kept answers or not) and whatever the page size, and a page
//! that does not ask for `totalCount` does not evaluate the whole list.

use crate::helpers::{spawn_app, spawn_app_with, TestApp, TEST_SECRET};
use entity::UserRole;
use serde_json::{json, Value};

/// Filters that cut the list in different ways: by status (decided after evaluation), by kind
/// and by state (scope), by the findings admitted, and by the dates of the evidence.
const FILTERS: [&str; 6] = [
    "{ evidenceFrom: \"2015-01-01\" }",
    "{ statuses: [CONTRADICTED, PARTIAL] }",
    "{ kinds: [NORM] }",
    r#"{ states: ["MEX", "HUN", "MAR", "USA", "CHN", "RUS"] }"#,
    "{ minConfidence: MEDIUM, attribution: [ACKNOWLEDGED, SETTLED] }",
    "{ kinds: [HUMAN_RIGHTS_OBLIGATION], statuses: [CONTRADICTED, IMPLEMENTED, UNVERIFIED] }",
];

/// What a page says about each gap, and whether it says there is more.
type Page = (Vec<Value>, bool, Option<String>);

/// One page of `filter` after `after`, with or without `totalCount`, anonymously or as `token`.
async fn page(
    app: &TestApp,
    token: Option<&str>,
    filter: &str,
    first: usize,
    after: Option<&str>,
    total: bool,
) -> Page {
    let query = format!(
        r#"query($a: String) {{ gaps(asOf: "2024-01-01", first: {first}, after: $a, filter: {filter}) {{
            {} pageInfo {{ hasNextPage endCursor }} nodes {{ id status confidence attribution }} }} }}"#,
        if total { "totalCount" } else { "" }
    );
    let vars = json!({ "a": after });
    let answer = match token {
        Some(t) => app.post_as(t, &query, vars).await,
        None => app.post(&query, vars).await,
    };
    assert!(answer["errors"].is_null(), "{filter}: {answer}");
    let gaps = &answer["data"]["gaps"];
    (
        gaps["nodes"].as_array().cloned().unwrap_or_default(),
        gaps["pageInfo"]["hasNextPage"].as_bool().unwrap_or(false),
        gaps["pageInfo"]["endCursor"].as_str().map(str::to_string),
    )
}

/// How far each walk goes: the start of a long list is enough to cross several page ends.
const WALKED: usize = 300;

/// The pages of `filter` in order, `first` at a time, until the list ends or `limit` gaps
/// have been shown.
async fn walk(
    app: &TestApp,
    token: Option<&str>,
    filter: &str,
    first: usize,
    total: bool,
    limit: usize,
) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let p = page(app, token, filter, first, after.as_deref(), total).await;
        let more = p.1;
        after = p.2.clone();
        pages.push(p);
        if !more || pages.iter().map(|p| p.0.len()).sum::<usize>() >= limit {
            return pages;
        }
    }
}

/// The start of the whole answer (every gap of `filter` up to `WALKED` and a page more), from
/// pages of 100 that ask for `totalCount` (which evaluates the whole list), and that count.
async fn whole(app: &TestApp, token: &str, filter: &str) -> (Vec<Value>, usize) {
    let mut all = Vec::new();
    for p in walk(app, Some(token), filter, 100, true, WALKED + 100).await {
        all.extend(p.0);
    }
    let count = app
        .post_as(
            token,
            &format!(
                r#"{{ gaps(asOf: "2024-01-01", first: 0, filter: {filter}) {{ totalCount }} }}"#
            ),
            json!({}),
        )
        .await;
    let total = count["data"]["gaps"]["totalCount"].as_u64().unwrap_or(0) as usize;
    assert!(total >= all.len(), "{filter}: {count}");
    if all.len() < WALKED + 100 {
        assert_eq!(total, all.len(), "{filter}: {count}");
    }
    (all, total)
}

/// Checks that `pages` are the consecutive slices of the list starting with `all`, of `first`
/// gaps each, and that `hasNextPage` is true exactly while gaps remain of the `total`.
fn assert_slices(all: &[Value], total: usize, pages: &[Page], first: usize, what: &str) {
    if total <= WALKED {
        assert_eq!(pages.len(), total.div_ceil(first).max(1), "{what}: pages");
    }
    for (i, p) in pages.iter().enumerate() {
        let slice = &all[(i * first).min(all.len())..((i + 1) * first).min(all.len())];
        assert_eq!(p.0.as_slice(), slice, "{what}: page {i}");
        assert_eq!(
            p.1,
            (i + 1) * first < total,
            "{what}: hasNextPage of page {i}"
        );
    }
}

#[tokio::test]
async fn every_page_of_a_walk_is_a_slice_of_the_whole_answer() {
    // Writable (for an editor's token), and with a budget for the hundreds of pages below.
    let app = spawn_app_with(|c| {
        c.jwt_secret = Some(api::config::Secret::new(TEST_SECRET));
        c.writes_enabled = true;
        c.rate_limit_capacity = 100_000_000;
    })
    .await;
    // An editor's answers are never kept (they may include drafts), so each of their requests
    // evaluates: the walk below is the engine's, page by page.
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    for filter in FILTERS {
        let (all, total) = whole(&app, &editor, filter).await;
        assert!(
            total > 10,
            "{filter}: only {total} gaps, too few to page through"
        );
        // About four pages, never of one gap only: the page ends fall anywhere in the list.
        let first = (total.min(WALKED) / 4).clamp(3, 100);
        let evaluated = walk(&app, Some(&editor), filter, first, false, WALKED).await;
        let check = |pages: &[Page], how: &str| {
            assert_slices(&all, total, pages, first, &format!("{filter}, {how}"))
        };
        check(&evaluated, "evaluated");
        // The public's pages: evaluated as far as they reach, then from the kept list once a
        // page with `totalCount` has made it.
        check(
            &walk(&app, None, filter, first, false, WALKED).await,
            "public",
        );
        check(
            &walk(&app, None, filter, first, true, WALKED).await,
            "public with totalCount",
        );
        check(
            &walk(&app, None, filter, first, false, WALKED).await,
            "public from the kept list",
        );
    }
}

#[tokio::test]
async fn a_cursor_keeps_its_place_and_a_foreign_one_is_refused() {
    let app = spawn_app().await;
    let filter = r#"{ states: ["MEX", "HUN"] }"#;
    let first = page(&app, None, filter, 3, None, false).await;
    let cursor = first.2.expect("an end cursor");
    // The same cursor under a filter that leaves its gap's state out points nowhere.
    let err = app
        .error(
            r#"query($a: String) { gaps(asOf: "2024-01-01", first: 3, after: $a, filter: { states: ["USA"] }) { nodes { id } } }"#,
            json!({ "a": cursor }),
        )
        .await;
    assert_eq!(crate::helpers::code(&err), "BAD_USER_INPUT", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .contains("after"),
        "{err}"
    );
    // Under a filter that keeps its state but not its gap (only CONTRADICTED), the cursor still
    // marks a place: the page after it is the rest of that list after the cursor's position.
    let narrowed = r#"{ states: ["MEX", "HUN"], statuses: [CONTRADICTED] }"#;
    let after = page(&app, None, narrowed, 100, Some(&cursor), false).await;
    let everything: Vec<Value> = walk(&app, None, filter, 100, false, usize::MAX)
        .await
        .into_iter()
        .flat_map(|p| p.0)
        .collect();
    let later: Vec<&Value> = everything[3..].iter().map(|g| &g["id"]).collect();
    let all = page(&app, None, narrowed, 100, None, false).await;
    let expected: Vec<Value> = all
        .0
        .into_iter()
        .filter(|g| later.contains(&&g["id"]))
        .collect();
    assert!(!expected.is_empty(), "no CONTRADICTED gap after the cursor");
    assert_eq!(after.0, expected);
}

#[tokio::test]
async fn a_page_without_total_count_does_not_evaluate_the_whole_list() {
    let app = spawn_app().await;
    let ask = |q: String| {
        let app = &app;
        async move { app.data_counted(&q).await }
    };
    let without =
        r#"{ gaps(asOf: "2024-01-01", first: 5, filter: { kinds: [NORM] }) { nodes { id } } }"#;
    let with = r#"{ gaps(asOf: "2024-01-01", first: 5, filter: { kinds: [NORM] }) { totalCount nodes { id } } }"#;
    let (page, _) = ask(without.into()).await;
    // Had the first page evaluated the whole list, it would have kept it for the public, and
    // the same question with `totalCount` would cost no evaluation.
    let (counted, evaluated) = ask(with.into()).await;
    assert_eq!(page["gaps"]["nodes"], counted["gaps"]["nodes"]);
    assert!(
        counted["gaps"]["totalCount"].as_u64().unwrap_or(0) > 5,
        "{counted}"
    );
    let (again, kept) = ask(with.into()).await;
    assert_eq!(again, counted);
    // Kept: the scope (one statement), the data version (one), maybe the shape refresher.
    assert!(
        kept <= 3 && evaluated >= kept + 3,
        "with totalCount: {evaluated} statements, repeated: {kept}"
    );
    // And a page from the kept list needs no evaluation either.
    let (_, from_kept) = ask(without.into()).await;
    assert!(
        from_kept <= 3,
        "{from_kept} statements for a page of a kept list"
    );

    // A walk that reaches the end of the list from its start (one page holds it all) keeps
    // the list too: the count then costs no evaluation.
    let small = r#"{ gaps(asOf: "2024-01-01", first: 100, filter: { states: ["MEX"], kinds: [NORM] }) { nodes { id } } }"#;
    let small_count = r#"{ gaps(asOf: "2024-01-01", first: 100, filter: { states: ["MEX"], kinds: [NORM] }) { totalCount nodes { id } } }"#;
    let (walked, _) = ask(small.into()).await;
    let (count, cost) = ask(small_count.into()).await;
    assert_eq!(walked["gaps"]["nodes"], count["gaps"]["nodes"]);
    // The scope (states and provisions: two statements), the version, maybe the refresher.
    assert!(
        cost <= 4,
        "{cost} statements for the count of a list already walked"
    );
}
