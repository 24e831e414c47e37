//! A person's employment binding to a unit, and transfers (办理调动) between units.
//!
//! The person asks to be bound; the unit confirms or refuses, and only a confirmed binding lets
//! the unit see the person's records. A confirmed person changes employer by a transfer, which
//! the receiving unit accepts: the old binding then ends and a confirmed one to the new unit
//! begins, so the history stays with the person.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::org::{TransitionError, check_reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BindingState {
    #[serde(rename = "requested")]
    Requested,
    #[serde(rename = "confirmed")]
    Confirmed,
    #[serde(rename = "refused")]
    Refused,
    #[serde(rename = "ended")]
    Ended,
}

impl BindingState {
    pub const ALL: [BindingState; 4] = [
        BindingState::Requested,
        BindingState::Confirmed,
        BindingState::Refused,
        BindingState::Ended,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BindingState::Requested => "requested",
            BindingState::Confirmed => "confirmed",
            BindingState::Refused => "refused",
            BindingState::Ended => "ended",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            BindingState::Requested => "待确认",
            BindingState::Confirmed => "已确认",
            BindingState::Refused => "已拒绝",
            BindingState::Ended => "已解除",
        }
    }

    /// A person has at most one open binding, so every unit knows whose staff the person is.
    pub fn is_open(self) -> bool {
        matches!(self, BindingState::Requested | BindingState::Confirmed)
    }
}

impl fmt::Display for BindingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

fn deny<T>(message: &str) -> Result<T, TransitionError> {
    Err(TransitionError::new(message))
}

const CLOSED: &str = "该申请已处理或已撤销";

/// The unit confirms that the person works there.
pub fn confirm(s: BindingState) -> Result<BindingState, TransitionError> {
    match s {
        BindingState::Requested => Ok(BindingState::Confirmed),
        BindingState::Confirmed => deny("该人员已确认，无需重复操作"),
        BindingState::Refused | BindingState::Ended => deny(CLOSED),
    }
}

/// The unit says the person does not work there; a reason helps the person but is not required,
/// since a mistaken choice of unit is the usual cause.
pub fn refuse(s: BindingState, reason: &str) -> Result<BindingState, TransitionError> {
    match s {
        BindingState::Requested => {
            check_reason(reason, None, "拒绝的原因")?;
            Ok(BindingState::Refused)
        }
        BindingState::Confirmed => deny("该人员已确认，如需解除请办理解除绑定"),
        BindingState::Refused | BindingState::Ended => deny(CLOSED),
    }
}

/// The unit ends a confirmed binding, for instance when the person left; the reason is kept
/// with the person's history.
pub fn unbind(s: BindingState, reason: &str) -> Result<BindingState, TransitionError> {
    match s {
        BindingState::Confirmed => {
            check_reason(reason, Some("请填写解除绑定的原因"), "解除绑定的原因")?;
            Ok(BindingState::Ended)
        }
        BindingState::Requested => deny("该人员尚未确认，无需解除绑定；如不是本单位人员请拒绝申请"),
        BindingState::Refused => deny("该申请未通过确认，无需解除绑定"),
        BindingState::Ended => deny("该人员已解除绑定，无需重复操作"),
    }
}

/// The person withdraws a request that the unit has not confirmed yet.
pub fn cancel(s: BindingState) -> Result<BindingState, TransitionError> {
    match s {
        BindingState::Requested => Ok(BindingState::Ended),
        BindingState::Confirmed => deny("单位已确认，不能撤销；如需更换单位请办理调动"),
        BindingState::Refused => deny("该申请已被单位拒绝，无需撤销"),
        BindingState::Ended => deny("该申请已撤销或已解除，无需重复操作"),
    }
}

/// Whether the person may ask a unit for a binding, given the open binding the person has, if
/// any. A closed state passed by mistake counts as none.
pub fn may_request(existing_open: Option<BindingState>) -> Result<(), TransitionError> {
    match existing_open {
        Some(s) if s.is_open() => {
            deny("您已绑定单位（或正在等待单位确认），如需更换单位请办理调动")
        }
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransferState {
    #[serde(rename = "requested")]
    Requested,
    #[serde(rename = "accepted")]
    Accepted,
    #[serde(rename = "refused")]
    Refused,
    #[serde(rename = "withdrawn")]
    Withdrawn,
}

impl TransferState {
    pub const ALL: [TransferState; 4] = [
        TransferState::Requested,
        TransferState::Accepted,
        TransferState::Refused,
        TransferState::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferState::Requested => "requested",
            TransferState::Accepted => "accepted",
            TransferState::Refused => "refused",
            TransferState::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            TransferState::Requested => "待接收",
            TransferState::Accepted => "已接收",
            TransferState::Refused => "已拒绝",
            TransferState::Withdrawn => "已撤回",
        }
    }

    /// Only one transfer may be under way at a time.
    pub fn is_pending(self) -> bool {
        self == TransferState::Requested
    }
}

impl fmt::Display for TransferState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

pub const TRANSFER_REASON_MIN: usize = 2;

/// Whether a person may ask to move to `target_unit`. Whether the target exists and takes staff
/// is for the caller to check.
pub fn may_request_transfer(
    current_unit: Option<i64>,
    current_state: Option<BindingState>,
    target_unit: i64,
    pending_transfer: bool,
    reason: &str,
) -> Result<(), TransitionError> {
    let Some(current) = current_unit.filter(|_| current_state == Some(BindingState::Confirmed))
    else {
        return deny("只有已被单位确认的人员才能办理调动");
    };
    if current == target_unit {
        return deny("不能调动到当前所在单位");
    }
    if pending_transfer {
        return deny("您已有一个调动申请正在办理");
    }
    let r = reason.trim();
    if r.is_empty() {
        return deny("请填写调动原因");
    }
    let n = r.chars().count();
    if !(TRANSFER_REASON_MIN..=crate::org::REASON_MAX).contains(&n) {
        return Err(TransitionError::new(format!(
            "调动原因应为{TRANSFER_REASON_MIN}到{}个字",
            crate::org::REASON_MAX
        )));
    }
    Ok(())
}

/// The receiving unit accepts the person.
pub fn accept_transfer(s: TransferState) -> Result<TransferState, TransitionError> {
    match s {
        TransferState::Requested => Ok(TransferState::Accepted),
        TransferState::Accepted => deny("该调动申请已接收，无需重复操作"),
        TransferState::Refused => deny("该调动申请已被拒绝，不能再接收"),
        TransferState::Withdrawn => deny("该调动申请已被申请人撤回"),
    }
}

/// The receiving unit refuses the person; the reason is optional, as for a binding.
pub fn refuse_transfer(s: TransferState, reason: &str) -> Result<TransferState, TransitionError> {
    match s {
        TransferState::Requested => {
            check_reason(reason, None, "拒绝的原因")?;
            Ok(TransferState::Refused)
        }
        TransferState::Accepted => deny("该调动申请已接收，不能再拒绝"),
        TransferState::Refused => deny("该调动申请已拒绝，无需重复操作"),
        TransferState::Withdrawn => deny("该调动申请已被申请人撤回"),
    }
}

/// The person takes back a transfer request that the receiving unit has not decided yet.
pub fn withdraw_transfer(s: TransferState) -> Result<TransferState, TransitionError> {
    match s {
        TransferState::Requested => Ok(TransferState::Withdrawn),
        TransferState::Accepted => deny("调入单位已接收，不能撤回"),
        TransferState::Refused => deny("该调动申请已被拒绝，无需撤回"),
        TransferState::Withdrawn => deny("该调动申请已撤回，无需重复操作"),
    }
}

crate::code::coded!(BindingState, TransferState);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::Error as DeError;

    fn de<T: for<'de> Deserialize<'de>>(code: &str) -> Option<T> {
        T::deserialize(IntoDeserializer::<DeError>::into_deserializer(code)).ok()
    }

    fn err<T: fmt::Debug>(r: Result<T, TransitionError>) -> String {
        r.unwrap_err().0
    }

    #[test]
    fn codes_and_labels() {
        for (state, code, label) in [
            (BindingState::Requested, "requested", "待确认"),
            (BindingState::Confirmed, "confirmed", "已确认"),
            (BindingState::Refused, "refused", "已拒绝"),
            (BindingState::Ended, "ended", "已解除"),
        ] {
            assert_eq!(state.code(), code);
            assert_eq!(state.label(), label);
            assert_eq!(state.to_string(), label);
            assert_eq!(BindingState::from_code(code), Some(state));
            assert_eq!(de::<BindingState>(code), Some(state));
        }
        assert_eq!(BindingState::from_code("withdrawn"), None);
        for (state, code, label) in [
            (TransferState::Requested, "requested", "待接收"),
            (TransferState::Accepted, "accepted", "已接收"),
            (TransferState::Refused, "refused", "已拒绝"),
            (TransferState::Withdrawn, "withdrawn", "已撤回"),
        ] {
            assert_eq!(state.code(), code);
            assert_eq!(state.label(), label);
            assert_eq!(TransferState::from_code(code), Some(state));
            assert_eq!(de::<TransferState>(code), Some(state));
        }
        assert_eq!(TransferState::from_code("ended"), None);
        assert!(TransferState::Requested.is_pending());
        assert!(!TransferState::Accepted.is_pending());
    }

    #[test]
    fn open_bindings() {
        use BindingState::*;
        assert!(Requested.is_open() && Confirmed.is_open());
        assert!(!Refused.is_open() && !Ended.is_open());
        assert_eq!(may_request(None), Ok(()));
        assert_eq!(may_request(Some(Refused)), Ok(()));
        assert_eq!(may_request(Some(Ended)), Ok(()));
        for open in [Requested, Confirmed] {
            assert_eq!(
                err(may_request(Some(open))),
                "您已绑定单位（或正在等待单位确认），如需更换单位请办理调动"
            );
        }
    }

    #[test]
    fn confirming() {
        use BindingState::*;
        assert_eq!(confirm(Requested), Ok(Confirmed));
        assert_eq!(err(confirm(Confirmed)), "该人员已确认，无需重复操作");
        assert_eq!(err(confirm(Refused)), "该申请已处理或已撤销");
        assert_eq!(err(confirm(Ended)), "该申请已处理或已撤销");
    }

    #[test]
    fn refusing() {
        use BindingState::*;
        assert_eq!(refuse(Requested, ""), Ok(Refused));
        assert_eq!(refuse(Requested, "非本单位人员"), Ok(Refused));
        assert_eq!(refuse(Requested, &"因".repeat(200)), Ok(Refused));
        assert_eq!(
            err(refuse(Requested, &"因".repeat(201))),
            "拒绝的原因不能超过200个字"
        );
        assert_eq!(
            err(refuse(Confirmed, "")),
            "该人员已确认，如需解除请办理解除绑定"
        );
        assert_eq!(err(refuse(Refused, "")), "该申请已处理或已撤销");
        assert_eq!(err(refuse(Ended, "")), "该申请已处理或已撤销");
    }

    #[test]
    fn unbinding() {
        use BindingState::*;
        assert_eq!(unbind(Confirmed, "已离职"), Ok(Ended));
        assert_eq!(err(unbind(Confirmed, " \n ")), "请填写解除绑定的原因");
        assert_eq!(
            err(unbind(Confirmed, &"因".repeat(201))),
            "解除绑定的原因不能超过200个字"
        );
        assert_eq!(
            err(unbind(Requested, "已离职")),
            "该人员尚未确认，无需解除绑定；如不是本单位人员请拒绝申请"
        );
        assert_eq!(
            err(unbind(Refused, "已离职")),
            "该申请未通过确认，无需解除绑定"
        );
        assert_eq!(
            err(unbind(Ended, "已离职")),
            "该人员已解除绑定，无需重复操作"
        );
    }

    #[test]
    fn cancelling() {
        use BindingState::*;
        assert_eq!(cancel(Requested), Ok(Ended));
        assert_eq!(
            err(cancel(Confirmed)),
            "单位已确认，不能撤销；如需更换单位请办理调动"
        );
        assert_eq!(err(cancel(Refused)), "该申请已被单位拒绝，无需撤销");
        assert_eq!(err(cancel(Ended)), "该申请已撤销或已解除，无需重复操作");
    }

    #[test]
    fn requesting_transfers() {
        use BindingState::*;
        fn ok(reason: &str) -> Result<(), TransitionError> {
            may_request_transfer(Some(1), Some(Confirmed), 2, false, reason)
        }
        assert_eq!(ok("工作调动"), Ok(()));
        assert_eq!(ok(&"因".repeat(200)), Ok(()));
        assert_eq!(err(ok("  ")), "请填写调动原因");
        assert_eq!(err(ok("调")), "调动原因应为2到200个字");
        assert_eq!(err(ok(&"因".repeat(201))), "调动原因应为2到200个字");

        const NOT_CONFIRMED: &str = "只有已被单位确认的人员才能办理调动";
        for state in [None, Some(Requested), Some(Refused), Some(Ended)] {
            assert_eq!(
                err(may_request_transfer(Some(1), state, 2, false, "工作调动")),
                NOT_CONFIRMED
            );
        }
        assert_eq!(
            err(may_request_transfer(
                None,
                Some(Confirmed),
                2,
                false,
                "工作调动"
            )),
            NOT_CONFIRMED
        );
        assert_eq!(
            err(may_request_transfer(
                Some(2),
                Some(Confirmed),
                2,
                false,
                "工作调动"
            )),
            "不能调动到当前所在单位"
        );
        assert_eq!(
            err(may_request_transfer(
                Some(1),
                Some(Confirmed),
                2,
                true,
                "工作调动"
            )),
            "您已有一个调动申请正在办理"
        );
    }

    #[test]
    fn deciding_transfers() {
        use TransferState::*;
        assert_eq!(accept_transfer(Requested), Ok(Accepted));
        assert_eq!(
            err(accept_transfer(Accepted)),
            "该调动申请已接收，无需重复操作"
        );
        assert_eq!(
            err(accept_transfer(Refused)),
            "该调动申请已被拒绝，不能再接收"
        );
        assert_eq!(err(accept_transfer(Withdrawn)), "该调动申请已被申请人撤回");

        assert_eq!(refuse_transfer(Requested, ""), Ok(Refused));
        assert_eq!(refuse_transfer(Requested, "编制已满"), Ok(Refused));
        assert_eq!(
            err(refuse_transfer(Requested, &"因".repeat(201))),
            "拒绝的原因不能超过200个字"
        );
        assert_eq!(
            err(refuse_transfer(Accepted, "")),
            "该调动申请已接收，不能再拒绝"
        );
        assert_eq!(
            err(refuse_transfer(Refused, "")),
            "该调动申请已拒绝，无需重复操作"
        );
        assert_eq!(
            err(refuse_transfer(Withdrawn, "")),
            "该调动申请已被申请人撤回"
        );

        assert_eq!(withdraw_transfer(Requested), Ok(Withdrawn));
        assert_eq!(err(withdraw_transfer(Accepted)), "调入单位已接收，不能撤回");
        assert_eq!(
            err(withdraw_transfer(Refused)),
            "该调动申请已被拒绝，无需撤回"
        );
        assert_eq!(
            err(withdraw_transfer(Withdrawn)),
            "该调动申请已撤回，无需重复操作"
        );
    }

    fn binding_state() -> impl Strategy<Value = BindingState> {
        proptest::sample::select(BindingState::ALL.to_vec())
    }

    fn transfer_state() -> impl Strategy<Value = TransferState> {
        proptest::sample::select(TransferState::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn never_panic(
            s in any::<String>(),
            b in binding_state(),
            t in transfer_state(),
            cur in proptest::option::of(any::<i64>()),
            state in proptest::option::of(binding_state()),
            target in any::<i64>(),
            pending in any::<bool>(),
        ) {
            let _ = BindingState::from_code(&s);
            let _ = TransferState::from_code(&s);
            let _ = refuse(b, &s);
            let _ = unbind(b, &s);
            let _ = refuse_transfer(t, &s);
            let _ = may_request_transfer(cur, state, target, pending, &s);
        }

        /// Every allowed step leaves the open states, so a decided binding or transfer can never
        /// be decided again.
        #[test]
        fn decided_states_are_final(b in binding_state(), t in transfer_state()) {
            for next in [confirm(b), refuse(b, ""), unbind(b, "原因"), cancel(b)].into_iter().flatten() {
                prop_assert!(confirm(next).is_err() && refuse(next, "").is_err() && cancel(next).is_err());
            }
            for next in [accept_transfer(t), refuse_transfer(t, ""), withdraw_transfer(t)].into_iter().flatten() {
                prop_assert!(!next.is_pending());
                prop_assert!(accept_transfer(next).is_err());
                prop_assert!(refuse_transfer(next, "").is_err());
                prop_assert!(withdraw_transfer(next).is_err());
            }
        }
    }
}
