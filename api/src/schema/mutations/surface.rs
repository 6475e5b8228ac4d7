//! The GraphQL surface of the record mutations, declared once per record type:
//! [`record_inputs!`] (its two input types) and [`record_mutations!`] (its two mutations).
//!
//! ## `record_inputs!`
//!
//! Why a macro: every record type has a `Create<Type>Input` (every field) and an
//! `Update<Type>Input` (the correctable fields, absent = keep), and the two were written out by
//! hand for eleven types, so the pairs were most of what `duplicates` found in the mutations
//! (issue 14), and a field added to one struct and forgotten in the other went unnoticed. Here a
//! field's name and type are written once, with how an update treats it. Both descriptions stay
//! written out in full, because they are the public schema, held to the letter by the SDL
//! snapshot test.
//!
//! Each field is one of:
//! - `fixed name: T;` set at creation only (stable keys, what the record hangs from);
//! - `set name: T => /// update doc ;` required at creation, `Option<T>` in an update;
//! - `clear name: T => /// update doc ;` optional (`Option<T>`), and in an update
//!   `MaybeUndefined<T>`: absent keeps it, `null` clears it;
//! - `opt name: T => /// update doc ;` optional, and in an update absent keeps it (no clearing);
//! - `flag name: bool => /// update doc ;` a boolean that defaults to false at creation;
//! - `sources;` the cited sources, described alike for every record.
//!
//! Fields keep their order in both inputs (the SDL lists them as declared).
//!
//! ## `record_mutations!`
//!
//! Why a macro: the 22 create and update mutations had the same signature written out each
//! time, with the same three argument descriptions (a third of every mutation), which `#[Object]`
//! needs inside the `impl` block itself, so no function can share them. The macro writes the
//! `#[Object]` block: each `create_<type>(input)` and `update_<type>(id, version, input)` calls
//! the module's function of the same name, which holds what is particular to the record type
//! (resolving references, the checks that need the registry, one call to
//! [`super::support::create_record`] or [`super::support::Target::update`]).

/// A record type's `Create<Type>Input` and `Update<Type>Input` (see the module documentation).
macro_rules! record_inputs {
    (
        $(#[doc = $create_doc:literal])* $create:ident,
        $(#[doc = $update_doc:literal])* $update:ident { $($fields:tt)* }
    ) => {
        record_inputs!(@field
            [$(#[doc = $create_doc])* $create] [$(#[doc = $update_doc])* $update] [] []
            $($fields)*
        );
    };

    (@field $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*]
        $(#[doc = $d:literal])* fixed $name:ident: $ty:ty; $($rest:tt)*
    ) => {
        record_inputs!(@field $c $u
            [$($cf)* $(#[doc = $d])* pub $name: $ty,]
            [$($uf)*]
            $($rest)*
        );
    };

    (@field $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*]
        $(#[doc = $d:literal])* set $name:ident: $ty:ty => $(#[doc = $e:literal])* ; $($rest:tt)*
    ) => {
        record_inputs!(@field $c $u
            [$($cf)* $(#[doc = $d])* pub $name: $ty,]
            [$($uf)* $(#[doc = $e])* pub $name: Option<$ty>,]
            $($rest)*
        );
    };

    (@field $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*]
        $(#[doc = $d:literal])* clear $name:ident: $ty:ty => $(#[doc = $e:literal])* ; $($rest:tt)*
    ) => {
        record_inputs!(@field $c $u
            [$($cf)* $(#[doc = $d])* pub $name: Option<$ty>,]
            [$($uf)* $(#[doc = $e])* pub $name: async_graphql::MaybeUndefined<$ty>,]
            $($rest)*
        );
    };

    (@field $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*]
        $(#[doc = $d:literal])* opt $name:ident: $ty:ty => $(#[doc = $e:literal])* ; $($rest:tt)*
    ) => {
        record_inputs!(@field $c $u
            [$($cf)* $(#[doc = $d])* pub $name: Option<$ty>,]
            [$($uf)* $(#[doc = $e])* pub $name: Option<$ty>,]
            $($rest)*
        );
    };

    (@field $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*]
        $(#[doc = $d:literal])* flag $name:ident: bool => $(#[doc = $e:literal])* ; $($rest:tt)*
    ) => {
        record_inputs!(@field $c $u
            [$($cf)* $(#[doc = $d])* #[graphql(default)] pub $name: bool,]
            [$($uf)* $(#[doc = $e])* pub $name: Option<bool>,]
            $($rest)*
        );
    };

    (@field $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*] sources; $($rest:tt)*) => {
        record_inputs!(@field $c $u
            [$($cf)*
                /// Keys of the sources (at least one), primary first.
                pub sources: Vec<String>,
            ]
            [$($uf)*
                /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
                /// they are.
                pub sources: Option<Vec<String>>,
            ]
            $($rest)*
        );
    };

    (@field [$(#[$cm:meta])* $create:ident] [$(#[$um:meta])* $update:ident]
        [$($cf:tt)*] [$($uf:tt)*]
    ) => {
        $(#[$cm])*
        #[derive(async_graphql::InputObject)]
        pub struct $create {
            $($cf)*
        }

        $(#[$um])*
        #[derive(async_graphql::InputObject, Default)]
        pub struct $update {
            $($uf)*
        }
    };
}

/// The `#[Object]` block of a group of create and update mutations (see the module
/// documentation): `create_<type>(Input), update_<type>(Input) -> Output;` per record type, each
/// with its description. The functions return the saved row; the output object is made from it
/// here.
macro_rules! record_mutations {
    (
        $group:ident {
            $(
                $(#[doc = $create_doc:literal])* $create:ident($create_input:ty),
                $(#[doc = $update_doc:literal])* $update:ident($update_input:ty) -> $out:ty;
            )*
        }
    ) => {
        #[derive(Default)]
        pub struct $group;

        #[async_graphql::Object]
        impl $group {
            $(
                $(#[doc = $create_doc])*
                async fn $create(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`).")]
                    input: $create_input,
                ) -> async_graphql::Result<$out> {
                    Ok(<$out>::from($create(ctx, input).await?))
                }

                $(#[doc = $update_doc])*
                async fn $update(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND.")]
                    id: async_graphql::ID,
                    #[graphql(desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry.")]
                    version: i32,
                    #[graphql(desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field.")]
                    input: $update_input,
                ) -> async_graphql::Result<$out> {
                    let at = super::support::Target { ctx, id: &id, version };
                    Ok(<$out>::from($update(at, input).await?))
                }
            )*
        }
    };
}

/// The output objects of the mutations, made from the saved row (see [`record_mutations!`]; a
/// provision becomes the object of its kind, by its own `From`).
macro_rules! output_of_row {
    ($($object:ident in $schema:ident: $module:ident),* $(,)?) => {
        $(impl From<entity::$module::Model> for crate::schema::$schema::$object {
            fn from(m: entity::$module::Model) -> Self {
                Self(m)
            }
        })*
    };
}

output_of_row! {
    State in state: state,
    Forum in forum: forum,
    Membership in forum: membership,
    Instrument in instrument: instrument,
    ProvisionLink in provision: provision_link,
    Source in source: source,
    Commitment in commitment: commitment,
    Position in position: position,
    Evidence in evidence: evidence,
    Assessment in evidence: assessment,
}
