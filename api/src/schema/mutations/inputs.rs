//! [`record_inputs!`]: a record type's two GraphQL inputs from one list of fields.
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

/// See the module documentation.
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
