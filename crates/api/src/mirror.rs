//! Conversions between domain enums and their GraphQL counterparts.

/// Maps a domain enum onto its GraphQL counterpart, both ways, variant by variant.
macro_rules! mirror_enum {
    ($api:ident <=> $domain:path { $($variant:ident),+ $(,)? }) => {
        impl From<$domain> for $api {
            fn from(value: $domain) -> Self {
                match value {
                    $(<$domain>::$variant => $api::$variant,)+
                }
            }
        }

        impl From<$api> for $domain {
            fn from(value: $api) -> Self {
                match value {
                    $($api::$variant => <$domain>::$variant,)+
                }
            }
        }
    };
}

pub(crate) use mirror_enum;
