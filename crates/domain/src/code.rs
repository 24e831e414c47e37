//! The stable codes by which the domain's enums are stored and sent in forms.
//!
//! Every state, category and kind has one code, spelled once, in its own module; the store reads
//! and writes columns through [`Coded`], so that a code the domain does not know is an error where
//! it is read, never quietly some other state.

/// An enum stored by a stable code.
pub trait Coded: Copy + Eq + 'static {
    /// Every value, in the order lists and filters show them.
    const ALL: &'static [Self];

    fn code(self) -> &'static str;

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// Implements [`Coded`] with the type's own `ALL` array and `code` method.
macro_rules! coded {
    ($($t:ty),+ $(,)?) => {$(
        impl $crate::code::Coded for $t {
            const ALL: &'static [Self] = &<$t>::ALL;

            fn code(self) -> &'static str {
                <$t>::code(self)
            }
        }
    )+};
}

pub(crate) use coded;

/// The codes of a set of values, quoted for an SQL `IN (…)` list. The codes are the domain's
/// own constants, never input, so they may be written into a statement.
pub fn sql_list<T: Coded>(values: &[T]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{}'", v.code())).collect();
    format!("({})", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordState;

    #[test]
    fn an_unknown_code_is_no_value() {
        assert_eq!(
            <RecordState as Coded>::from_code("approved"),
            Some(RecordState::Approved)
        );
        assert_eq!(<RecordState as Coded>::from_code("Approved"), None);
        assert_eq!(<RecordState as Coded>::from_code(""), None);
    }

    #[test]
    fn a_set_is_quoted_for_sql() {
        assert_eq!(
            sql_list(RecordState::PENDING),
            "('submitted', 'under_review')"
        );
    }
}
