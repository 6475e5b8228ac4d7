//! One description per record type, shared by every entry point.
//!
//! The seed loader (CSV rows) and the GraphQL mutations both build a `New<Type>` (and, for
//! updates, a `<Type>Patch`), and call its one `validate()`. A rule therefore exists once: a
//! record refused by one entry point is refused by the other, naming the same field with the
//! same words. Each entry point only maps a [`FieldError`] to its own style: the seed to
//! `file:line: field `x``, the API to a BAD_USER_INPUT with `extensions.field`.
//!
//! What lives here is what a record says about itself (lengths, formats, keys, URLs, dates not
//! in the future and in order). What needs the rest of the registry (a referenced key exists, a
//! key is not taken, a date is no more precise than its sources) is checked where that registry
//! is: in the dataset for the seed, in the database for the API.
//!
//! Field names are the stored column names (`established_on`), as the CSV files spell them;
//! the API shows them in GraphQL's camelCase ([`FieldError::camel_field`]).

// The two macros every record module uses; defined before the modules so they can see them.

/// A new row: a DRAFT without author or version; the write function sets those.
macro_rules! row {
    ($module:ident { $($field:ident: $value:expr),* $(,)? }) => {{
        let now = Utc::now();
        $module::Model {
            id: 0,
            $($field: $value,)*
            status: PublicationStatus::Draft,
            created_by: None,
            created_at: now,
            updated_at: now,
            version: 0,
        }
    }};
}

/// Applies the given parts of a patch to `fields`.
macro_rules! patch {
    ($patch:expr, $fields:expr; $($name:ident),*) => {
        $(if let Some(v) = $patch.$name {
            $fields.$name = v;
        })*
    };
}

mod check;
pub mod practice;
pub mod reference;
mod sourced;
pub mod standard;

pub use check::{Check, NAME_MAX, NOTE_MAX, SUMMARY_MAX, SYMBOL_MAX};
pub use practice::*;
pub use reference::*;
pub use sourced::{finest, precise_enough, Corrects, Dated};

/// The keys of the sources a new record cites (`None` for a source itself, which cites none):
/// the seed and the API resolve them against the registry alike.
pub trait Cites {
    fn source_keys(&self) -> Option<&[String]>;
}

macro_rules! cites {
    ($($new:ident),*) => {
        $(impl Cites for $new {
            fn source_keys(&self) -> Option<&[String]> {
                Some(&self.sources)
            }
        })*
    };
}

cites!(
    NewState,
    NewForum,
    NewMembership,
    NewInstrument,
    NewProvision,
    NewProvisionLink,
    NewCommitment,
    NewPosition,
    NewEvidence,
    NewAssessment
);

impl Cites for NewSource {
    fn source_keys(&self) -> Option<&[String]> {
        None
    }
}

/// A problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The column name, e.g. `established_on`.
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    /// The field as GraphQL names it: `established_on` becomes `establishedOn`.
    pub fn camel_field(&self) -> String {
        let mut out = String::with_capacity(self.field.len());
        let mut upper = false;
        for ch in self.field.chars() {
            if ch == '_' {
                upper = true;
            } else if upper {
                out.extend(ch.to_uppercase());
                upper = false;
            } else {
                out.push(ch);
            }
        }
        out
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem of one record, in field order (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

/// A validated value, or every problem found in it.
pub type Checked<T> = Result<T, Invalid>;

/// The rules of one record (or of its correctable fields).
pub trait Rules: Sized {
    /// Normalises the value (trims, cases keys) and records every problem in `c`.
    fn check(self, c: &mut Check) -> Self;

    /// The normalised value, or every problem found in it.
    fn validate(self) -> Checked<Self> {
        let mut c = Check::default();
        let value = self.check(&mut c);
        c.finish(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_field_names() {
        let e = |field| FieldError {
            field,
            message: String::new(),
        };
        assert_eq!(e("established_on").camel_field(), "establishedOn");
        assert_eq!(e("un_member_since").camel_field(), "unMemberSince");
        assert_eq!(e("name").camel_field(), "name");
    }
}
