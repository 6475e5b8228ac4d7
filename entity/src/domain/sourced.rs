//! What the rules of a record need from its sources, and how a stored row is corrected: the two
//! things every entry point did for itself before, each with its own list of fields.
//!
//! - [`Dated`]: the dates a record gives, which may be no more precise than the finest of its
//!   sources (a source that gives a year cannot back a day). The seed checks them against the
//!   dataset's sources, the API against the registry's, both with [`precise_enough`]; the
//!   seed's list figures count them too (the exact-date share).
//! - [`Corrects`]: a patch applied to the stored row, its fields validated as a whole.

use super::practice::*;
use super::reference::*;
use super::{Checked, FieldError};
use crate::partial_date::precision_rank;
use crate::*;

/// The dates a record gives, by column name: its start (or only) date first, then its end, if
/// it has one. Its sources must be precise enough for them (a source itself cites none, so its
/// publication date is held to nothing).
pub trait Dated {
    fn dates(&self) -> Vec<(&'static str, Option<PartialDate>)>;
}

/// Each of `dates` more precise than `finest`, the finest precision the record's sources give
/// (a record citing no known source is not held back here: its sources are refused elsewhere).
pub fn precise_enough(
    dates: &[(&'static str, Option<PartialDate>)],
    finest: DatePrecision,
) -> Vec<FieldError> {
    dates
        .iter()
        .filter_map(|(field, date)| {
            let d = (*date)?;
            (precision_rank(d.precision) > precision_rank(finest)).then(|| FieldError {
                field,
                message: format!(
                    "`{d}` is more precise than its sources, which give dates to the {}",
                    finest.as_str().to_lowercase()
                ),
            })
        })
        .collect()
}

/// The finest precision of `given` (a day when there is none to go by).
pub fn finest(given: impl IntoIterator<Item = DatePrecision>) -> DatePrecision {
    given
        .into_iter()
        .max_by_key(|p| precision_rank(*p))
        .unwrap_or(DatePrecision::Day)
}

/// The one list per record type of the dates its sources must back.
macro_rules! dated {
    ($($fields:ident { $($column:ident $(: $wrap:ident)?),* }),* $(,)?) => {
        $(impl Dated for $fields {
            #[allow(unused_variables)]
            fn dates(&self) -> Vec<(&'static str, Option<PartialDate>)> {
                vec![$((stringify!($column), dated!(@value self.$column $(, $wrap)?))),*]
            }
        })*
    };
    (@value $e:expr) => { $e };
    (@value $e:expr, Some) => { Some($e) };
}

dated! {
    SourceFields { published_on },
    StateFields { un_member_since },
    ForumFields { established_on },
    MembershipFields { valid_from, valid_to },
    InstrumentFields { adopted_on },
    ProvisionFields {},
    LinkFields {},
    CommitmentFields { valid_from, valid_to },
    PositionFields { date },
    EvidenceFields { occurred_from: Some, occurred_to, decided_on },
    AssessmentFields {},
}

/// A correction of a stored row `M`: the row with the patch applied, its fields validated as a
/// whole (so a corrected record obeys the rules a new one does). What is not among the fields
/// (references, owned lists) is left for the caller to resolve.
pub trait Corrects<M>: Send + 'static {
    fn correct(self, current: &M) -> Checked<M>;
}

/// Ties each type's parts together: its new record and its row give their dates through their
/// fields, and its patch corrects its row.
macro_rules! record_parts {
    ($($module:ident: $new:ident, $fields:ident, $patch:ident;)*) => {
        $(
            impl Dated for $new {
                fn dates(&self) -> Vec<(&'static str, Option<PartialDate>)> {
                    self.fields.dates()
                }
            }

            impl Dated for $module::Model {
                fn dates(&self) -> Vec<(&'static str, Option<PartialDate>)> {
                    $fields::of(self).dates()
                }
            }

            impl Corrects<$module::Model> for $patch {
                fn correct(self, current: &$module::Model) -> Checked<$module::Model> {
                    let mut next = current.clone();
                    self.apply(current)?.set(&mut next);
                    Ok(next)
                }
            }
        )*
    };
}

record_parts! {
    source: NewSource, SourceFields, SourcePatch;
    state: NewState, StateFields, StatePatch;
    forum: NewForum, ForumFields, ForumPatch;
    membership: NewMembership, MembershipFields, MembershipPatch;
    instrument: NewInstrument, InstrumentFields, InstrumentPatch;
    provision: NewProvision, ProvisionFields, ProvisionPatch;
    provision_link: NewProvisionLink, LinkFields, LinkPatch;
    commitment: NewCommitment, CommitmentFields, CommitmentPatch;
    position: NewPosition, PositionFields, PositionPatch;
    evidence: NewEvidence, EvidenceFields, EvidencePatch;
    assessment: NewAssessment, AssessmentFields, AssessmentPatch;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> PartialDate {
        PartialDate {
            date: NaiveDate::from_ymd_opt(y, m, d).expect("a date"),
            precision: DatePrecision::Day,
        }
    }

    #[test]
    fn a_day_is_refused_when_the_sources_give_years() {
        let year = PartialDate {
            precision: DatePrecision::Year,
            ..day(2019, 1, 1)
        };
        let dates = [
            ("valid_from", Some(year)),
            ("valid_to", Some(day(2020, 5, 4))),
        ];
        let errors = precise_enough(&dates, DatePrecision::Year);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "valid_to");
        assert_eq!(
            errors[0].message,
            "`2020-05-04` is more precise than its sources, which give dates to the year"
        );
        assert!(precise_enough(&dates, DatePrecision::Day).is_empty());
    }

    #[test]
    fn the_finest_of_the_sources_counts() {
        let given = [
            DatePrecision::Year,
            DatePrecision::Day,
            DatePrecision::Month,
        ];
        assert_eq!(finest(given), DatePrecision::Day);
        assert_eq!(finest([]), DatePrecision::Day);
    }
}
