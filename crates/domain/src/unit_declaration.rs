//! 代申报 as the units' manual describes it: the unit fills in a record for one of its staff
//! and saves it, uploads the proofs, and then confirms it (确认), after which the person has the
//! hours; until it is confirmed the unit may delete it freely, and it counts nowhere.

use crate::org::TransitionError;
use crate::record::{ATTACHMENT_REQUIRED_BEFORE_YEAR, RecordState};

/// Where a record the unit declares starts: its own, to attach proofs to and confirm.
pub const DECLARED: RecordState = RecordState::UnitDraft;

/// The unit adds and removes proofs of its declaration until it confirms it.
pub fn may_attach(s: RecordState) -> bool {
    s == RecordState::UnitDraft
}

/// 确认: the declaration is approved with its claimed hours. A record dated before 2008
/// needs the institution's proof attached first, as a person's own declaration does.
pub fn confirm(
    s: RecordState,
    year: i32,
    start_year: i32,
    has_attachment: bool,
) -> Result<RecordState, TransitionError> {
    match s {
        RecordState::UnitDraft => {}
        RecordState::Approved => return Err(TransitionError::new("该记录已确认")),
        _ => {
            return Err(TransitionError::new(
                "只有单位代申报、尚未确认的记录才能确认",
            ));
        }
    }
    if (year < ATTACHMENT_REQUIRED_BEFORE_YEAR || start_year < ATTACHMENT_REQUIRED_BEFORE_YEAR)
        && !has_attachment
    {
        return Err(TransitionError::new(
            "2008年以前的记录须先上传施教机构出具的证明，再确认",
        ));
    }
    Ok(RecordState::Approved)
}

/// The unit deletes its declaration before confirming it, with no reason needed; once
/// confirmed, only 培训信息维护 deletes it, with a reason.
pub fn discard(s: RecordState) -> Result<(), TransitionError> {
    if s == RecordState::UnitDraft {
        Ok(())
    } else {
        Err(TransitionError::new("只有尚未确认的代申报记录才能直接删除"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RecordState::*;

    #[test]
    fn a_declaration_is_confirmed_once_and_deleted_freely_before() {
        assert_eq!(DECLARED, UnitDraft);
        assert!(may_attach(UnitDraft));
        assert_eq!(confirm(UnitDraft, 2026, 2026, false), Ok(Approved));
        assert_eq!(
            confirm(Approved, 2026, 2026, true).unwrap_err().0,
            "该记录已确认"
        );
        assert_eq!(discard(UnitDraft), Ok(()));
        for s in [Draft, Submitted, UnderReview, Approved, Rejected, Returned] {
            assert!(!may_attach(s), "{s:?}");
            assert!(discard(s).is_err(), "{s:?}");
            assert!(confirm(s, 2026, 2026, true).is_err(), "{s:?}");
        }
    }

    #[test]
    fn an_old_record_is_confirmed_only_with_its_proof() {
        assert_eq!(
            confirm(UnitDraft, 2007, 2007, false).unwrap_err().0,
            "2008年以前的记录须先上传施教机构出具的证明，再确认"
        );
        assert_eq!(confirm(UnitDraft, 2007, 2007, true), Ok(Approved));
        assert!(confirm(UnitDraft, 2008, 2007, false).is_err());
    }

    #[test]
    fn nothing_else_moves_an_unconfirmed_declaration() {
        assert!(crate::record::submit(UnitDraft).is_err());
        assert!(!crate::record::may_edit(UnitDraft));
        assert!(crate::record::withdraw(UnitDraft, false).is_err());
        assert!(!UnitDraft.is_pending());
        assert_eq!(UnitDraft.label(), "代申报待确认");
    }
}
