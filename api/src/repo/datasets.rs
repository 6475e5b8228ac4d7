//! The bundled lists (`datasets`) with their figures, counted in SQL at query time.
//!
//! The seed loader stores each list's metadata (`datasets`: name, as-of, complete) and which
//! records it holds (`dataset_records`); everything else is counted here from the records
//! themselves, so the figures follow the data and cannot drift from it. Only records the reader
//! may see are counted ([`Readable::visible`]): the `datasets` query passes
//! [`Visibility::Public`], so the published figures are the public ones whoever asks. The
//! definitions are those of `seed::report` (which computes the same figures from the files for
//! `seed/data/README.md`): a record's start date always counts as a date field (an empty one as
//! not exact), its end date only when it has one; the tier is that of its first cited source
//! (ordinal 0), or its own for a source.

use super::Readable;
use crate::auth::Visibility;
use crate::error::Result;
use entity::*;
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query},
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder,
};
use std::collections::HashMap;

/// One list with its figures.
#[derive(Debug, Clone)]
pub struct ListFigures {
    pub dataset: dataset::Model,
    /// Visible records of the list.
    pub records: i64,
    /// Date fields counted (see the module documentation).
    pub dated_fields: i64,
    /// Of those, the ones given to the day.
    pub exact_dates: i64,
    /// Records whose first source is PRIMARY or PUBLISHER.
    pub primary_or_publisher: i64,
}

/// The date columns of one kind of record: (date, precision) of its start and of its end.
struct DateColumns {
    start: Option<&'static str>,
    end: Option<(&'static str, &'static str)>,
}

const fn dates(
    start: Option<&'static str>,
    end: Option<(&'static str, &'static str)>,
) -> DateColumns {
    DateColumns { start, end }
}

/// Counts per list id, for one kind of record.
#[derive(Default, Clone, Copy)]
struct Counts {
    records: i64,
    dated_fields: i64,
    exact_dates: i64,
    strong: i64,
}

/// `SUM(CASE WHEN cond THEN 1 ELSE 0 END)`.
fn count_if(cond: Expr) -> Expr {
    Func::sum(Expr::case(cond, 1).finally(0)).into()
}

/// The figures of every list of records of table `E`, by list id.
async fn counts_of<E: Readable>(
    db: &DatabaseConnection,
    vis: Visibility,
    cols: DateColumns,
) -> Result<HashMap<i32, Counts>> {
    let table = || E::default();
    let col = |name: &'static str| Expr::col((table(), Alias::new(name)));
    let kind = <E as Readable>::KIND;
    let day = DatePrecision::Day.as_str();
    let strong = [SourceTier::Primary.as_str(), SourceTier::Publisher.as_str()];
    let first = Alias::new("first_source");
    let tier = if kind == RecordKind::Source {
        col("tier")
    } else {
        Expr::col((first.clone(), Alias::new("tier")))
    };
    let mut q = Query::select();
    q.expr_as(
        Expr::col((dataset_record::Entity, dataset_record::Column::DatasetId)),
        Alias::new("dataset_id"),
    )
    .expr_as(Func::count(Expr::val(1)), Alias::new("records"))
    .expr_as(count_if(tier.is_in(strong)), Alias::new("strong"))
    .from(dataset_record::Entity)
    .inner_join(
        table(),
        Expr::col((table(), Alias::new("id")))
            .equals((dataset_record::Entity, dataset_record::Column::RecordId)),
    )
    .and_where(
        Expr::col((dataset_record::Entity, dataset_record::Column::RecordKind)).eq(kind.as_str()),
    )
    .cond_where(E::visible(vis))
    .group_by_col((dataset_record::Entity, dataset_record::Column::DatasetId));
    if let Some(start) = cols.start {
        q.expr_as(count_if(col(start).eq(day)), Alias::new("exact_start"));
    }
    if let Some((end, end_precision)) = cols.end {
        q.expr_as(count_if(col(end).is_not_null()), Alias::new("ends"))
            .expr_as(
                count_if(col(end_precision).eq(day)),
                Alias::new("exact_ends"),
            );
    }
    if kind != RecordKind::Source {
        q.join_as(
            JoinType::LeftJoin,
            record_source::Entity,
            Alias::new("first_citation"),
            Expr::col((Alias::new("first_citation"), Alias::new("record_kind")))
                .eq(kind.as_str())
                .and(
                    Expr::col((Alias::new("first_citation"), Alias::new("record_id")))
                        .equals((table(), Alias::new("id"))),
                )
                .and(Expr::col((Alias::new("first_citation"), Alias::new("ordinal"))).eq(0)),
        )
        .join_as(
            JoinType::LeftJoin,
            source::Entity,
            first.clone(),
            Expr::col((first, Alias::new("id")))
                .equals((Alias::new("first_citation"), Alias::new("source_id"))),
        );
    }
    let mut out = HashMap::new();
    for row in db.query_all(&q).await? {
        let get = |name: &str| {
            row.try_get::<Option<i64>>("", name)
                .map(Option::unwrap_or_default)
        };
        let records = get("records")?;
        let (exact_start, start_fields) = match cols.start {
            Some(_) => (get("exact_start")?, records),
            None => (0, 0),
        };
        let (ends, exact_ends) = match cols.end {
            Some(_) => (get("ends")?, get("exact_ends")?),
            None => (0, 0),
        };
        out.insert(
            row.try_get::<i32>("", "dataset_id")?,
            Counts {
                records,
                dated_fields: start_fields + ends,
                exact_dates: exact_start + exact_ends,
                strong: get("strong")?,
            },
        );
    }
    Ok(out)
}

/// Every list in bundle order, with the figures of the records `vis` may see.
pub async fn all(db: &DatabaseConnection, vis: Visibility) -> Result<Vec<ListFigures>> {
    let lists = dataset::Entity::find()
        .order_by_asc(dataset::Column::Position)
        .all(db)
        .await?;
    let period = |from: &'static str| Some(from);
    let ends = |to, precision| Some((to, precision));
    let mut counts: HashMap<i32, Counts> = HashMap::new();
    let parts = [
        counts_of::<source::Entity>(db, vis, dates(period("published_on_precision"), None)).await?,
        counts_of::<state::Entity>(db, vis, dates(period("un_member_since_precision"), None))
            .await?,
        counts_of::<forum::Entity>(db, vis, dates(period("established_on_precision"), None))
            .await?,
        counts_of::<membership::Entity>(
            db,
            vis,
            dates(
                period("valid_from_precision"),
                ends("valid_to", "valid_to_precision"),
            ),
        )
        .await?,
        counts_of::<instrument::Entity>(db, vis, dates(period("adopted_on_precision"), None))
            .await?,
        counts_of::<provision::Entity>(db, vis, dates(None, None)).await?,
        counts_of::<provision_link::Entity>(db, vis, dates(None, None)).await?,
        counts_of::<commitment::Entity>(
            db,
            vis,
            dates(
                period("valid_from_precision"),
                ends("valid_to", "valid_to_precision"),
            ),
        )
        .await?,
        counts_of::<position::Entity>(db, vis, dates(period("date_precision"), None)).await?,
        counts_of::<evidence::Entity>(
            db,
            vis,
            dates(
                period("occurred_from_precision"),
                ends("occurred_to", "occurred_to_precision"),
            ),
        )
        .await?,
        counts_of::<assessment::Entity>(db, vis, dates(None, None)).await?,
    ];
    for part in parts {
        counts.extend(part);
    }
    Ok(lists
        .into_iter()
        .map(|dataset| {
            let c = counts.get(&dataset.id).copied().unwrap_or_default();
            ListFigures {
                dataset,
                records: c.records,
                dated_fields: c.dated_fields,
                exact_dates: c.exact_dates,
                primary_or_publisher: c.strong,
            }
        })
        .collect())
}
