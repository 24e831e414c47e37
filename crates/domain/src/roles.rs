//! Roles (用户组) that an organisation grants to the personal accounts acting for it, and the
//! life of such a membership: the organisation invites, the person accepts or declines, the
//! organisation removes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::org::TransitionError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    #[serde(rename = "admin")]
    Admin,
    /// 经办人: declares hours and keeps the staff list.
    #[serde(rename = "clerk")]
    Clerk,
    #[serde(rename = "reviewer")]
    Reviewer,
    /// 单位领导: the final internal approval.
    #[serde(rename = "leader")]
    Leader,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Clerk, Role::Reviewer, Role::Leader];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Leader => "leader",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Clerk => "经办人",
            Role::Reviewer => "审核人",
            Role::Leader => "单位领导",
        }
    }

    /// The stored bit of each role is its position in [`Role::ALL`]; existing rows depend on it,
    /// so new roles go at the end.
    fn bit(self) -> u8 {
        match self {
            Role::Admin => 1,
            Role::Clerk => 1 << 1,
            Role::Reviewer => 1 << 2,
            Role::Leader => 1 << 3,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A set of roles, stored as an integer column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Roles(u8);

const KNOWN_BITS: u8 = 0b1111;

impl Roles {
    pub const fn empty() -> Roles {
        Roles(0)
    }

    pub const fn all() -> Roles {
        Roles(KNOWN_BITS)
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn with(self, role: Role) -> Roles {
        Roles(self.0 | role.bit())
    }

    pub fn without(self, role: Role) -> Roles {
        Roles(self.0 & !role.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// In [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    pub fn bits(self) -> i32 {
        i32::from(self.0)
    }

    /// Bits of roles this version does not know are dropped, so a value written by a newer
    /// version, or a tampered one, never grants anything unknown.
    pub fn from_bits(bits: i32) -> Roles {
        Roles(u8::try_from(bits & i32::from(KNOWN_BITS)).unwrap_or(0))
    }

    /// "管理员、经办人"; empty for no role.
    pub fn labels(self) -> String {
        self.iter().map(Role::label).collect::<Vec<_>>().join("、")
    }

    pub fn codes(self) -> Vec<&'static str> {
        self.iter().map(Role::code).collect()
    }

    /// From the checkboxes of a form; codes of unknown roles are ignored.
    pub fn from_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> Roles {
        codes.into_iter().filter_map(Role::from_code).collect()
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        iter.into_iter().fold(Roles::empty(), Roles::with)
    }
}

impl From<Role> for Roles {
    fn from(role: Role) -> Self {
        Roles::empty().with(role)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MembershipState {
    #[serde(rename = "invited")]
    Invited,
    #[serde(rename = "active")]
    Active,
    #[serde(rename = "declined")]
    Declined,
    #[serde(rename = "removed")]
    Removed,
}

impl MembershipState {
    pub const ALL: [MembershipState; 4] = [
        MembershipState::Invited,
        MembershipState::Active,
        MembershipState::Declined,
        MembershipState::Removed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MembershipState::Invited => "invited",
            MembershipState::Active => "active",
            MembershipState::Declined => "declined",
            MembershipState::Removed => "removed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            MembershipState::Invited => "待接受",
            MembershipState::Active => "有效",
            MembershipState::Declined => "已拒绝",
            MembershipState::Removed => "已移除",
        }
    }

    /// Invited or active: the person already has a place in the organisation, so a second
    /// invitation would only duplicate it.
    pub fn is_open(self) -> bool {
        matches!(self, MembershipState::Invited | MembershipState::Active)
    }
}

impl fmt::Display for MembershipState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

fn refuse<T>(message: &str) -> Result<T, TransitionError> {
    Err(TransitionError::new(message))
}

/// The person accepts the organisation's invitation.
pub fn accept(s: MembershipState) -> Result<MembershipState, TransitionError> {
    match s {
        MembershipState::Invited => Ok(MembershipState::Active),
        MembershipState::Active => refuse("您已接受该单位的邀请，无需重复操作"),
        MembershipState::Declined => refuse("您已拒绝该邀请，如需加入请联系该单位管理员重新邀请"),
        MembershipState::Removed => refuse("该邀请已被单位撤销，如需加入请联系该单位管理员"),
    }
}

/// The person declines the organisation's invitation.
pub fn decline(s: MembershipState) -> Result<MembershipState, TransitionError> {
    match s {
        MembershipState::Invited => Ok(MembershipState::Declined),
        MembershipState::Active => refuse("您已接受该邀请，不能再拒绝；如需退出请联系该单位管理员"),
        MembershipState::Declined => refuse("您已拒绝该邀请，无需重复操作"),
        MembershipState::Removed => refuse("该邀请已被单位撤销，无需拒绝"),
    }
}

/// The organisation withdraws an invitation or removes a member. Check [`check_removal`] first
/// when the member may be an administrator.
pub fn remove(s: MembershipState) -> Result<MembershipState, TransitionError> {
    match s {
        MembershipState::Invited | MembershipState::Active => Ok(MembershipState::Removed),
        MembershipState::Declined => refuse("对方已拒绝该邀请，无需移除"),
        MembershipState::Removed => refuse("该人员已被移除，无需重复操作"),
    }
}

/// Whether the organisation may invite a person given the person's latest membership in it, if
/// any: declined and removed people may be invited again.
pub fn may_invite(existing: Option<MembershipState>) -> Result<(), TransitionError> {
    match existing {
        Some(MembershipState::Invited) => refuse("已向该人员发出邀请，正在等待对方接受"),
        Some(MembershipState::Active) => refuse("该人员已经是本单位的操作人员"),
        Some(MembershipState::Declined | MembershipState::Removed) | None => Ok(()),
    }
}

/// Said when a change would leave an organisation without an administrator.
pub const LAST_ADMIN_MESSAGE: &str = "单位至少要保留一名管理员";
const LAST_ADMIN: &str = LAST_ADMIN_MESSAGE;

/// Checks new roles for a member before they are saved. `current_admins` counts the active
/// administrators including the target; `target_is_admin` says whether the target is one of them.
/// Without an administrator nobody could grant roles any more, and an organisation cannot fix that
/// itself.
pub fn check_role_change(
    current_admins: u32,
    target_is_admin: bool,
    new_roles: Roles,
) -> Result<(), TransitionError> {
    if target_is_admin && current_admins <= 1 && !new_roles.contains(Role::Admin) {
        return refuse(LAST_ADMIN);
    }
    if new_roles.is_empty() {
        return refuse("请至少选择一个角色");
    }
    Ok(())
}

/// Checks the removal of a member (or a member leaving), with the same counting as
/// [`check_role_change`].
pub fn check_removal(current_admins: u32, target_is_admin: bool) -> Result<(), TransitionError> {
    if target_is_admin && current_admins <= 1 {
        return refuse(LAST_ADMIN);
    }
    Ok(())
}

crate::code::coded!(MembershipState);

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
    fn role_codes_and_labels() {
        for (role, code, label) in [
            (Role::Admin, "admin", "管理员"),
            (Role::Clerk, "clerk", "经办人"),
            (Role::Reviewer, "reviewer", "审核人"),
            (Role::Leader, "leader", "单位领导"),
        ] {
            assert_eq!(role.code(), code);
            assert_eq!(role.label(), label);
            assert_eq!(role.to_string(), label);
            assert_eq!(Role::from_code(code), Some(role));
            assert_eq!(de::<Role>(code), Some(role));
        }
        assert_eq!(Role::from_code("Admin"), None);
        for (state, code, label) in [
            (MembershipState::Invited, "invited", "待接受"),
            (MembershipState::Active, "active", "有效"),
            (MembershipState::Declined, "declined", "已拒绝"),
            (MembershipState::Removed, "removed", "已移除"),
        ] {
            assert_eq!(state.code(), code);
            assert_eq!(state.label(), label);
            assert_eq!(MembershipState::from_code(code), Some(state));
            assert_eq!(de::<MembershipState>(code), Some(state));
        }
        assert_eq!(MembershipState::from_code("pending"), None);
    }

    #[test]
    fn role_sets() {
        let r = Roles::default();
        assert!(r.is_empty());
        assert_eq!(r.labels(), "");
        let r = r.with(Role::Leader).with(Role::Admin).with(Role::Admin);
        assert!(r.contains(Role::Admin) && r.contains(Role::Leader));
        assert!(!r.contains(Role::Clerk));
        assert_eq!(r.iter().collect::<Vec<_>>(), [Role::Admin, Role::Leader]);
        assert_eq!(r.labels(), "管理员、单位领导");
        assert_eq!(r.codes(), ["admin", "leader"]);
        assert_eq!(r.bits(), 0b1001);
        assert_eq!(r.without(Role::Admin), Roles::from(Role::Leader));
        assert_eq!(r.without(Role::Clerk), r);
        assert_eq!(Roles::all().labels(), "管理员、经办人、审核人、单位领导");
        assert_eq!(
            Roles::from_codes(["reviewer", "bogus", "clerk", "", "clerk"]),
            Roles::empty().with(Role::Clerk).with(Role::Reviewer)
        );
        assert_eq!(Roles::from_codes(Vec::<&str>::new()), Roles::empty());
    }

    #[test]
    fn unknown_bits_are_dropped() {
        assert_eq!(Roles::from_bits(0b1_0000), Roles::empty());
        assert_eq!(Roles::from_bits(0b11_0010), Roles::from(Role::Clerk));
        assert_eq!(Roles::from_bits(-1), Roles::all());
        assert_eq!(Roles::from_bits(i32::MIN), Roles::empty());
        assert_eq!(Roles::from_bits(i32::MAX), Roles::all());
    }

    #[test]
    fn every_combination_round_trips() {
        for bits in 0..16 {
            let r = Roles::from_bits(bits);
            assert_eq!(r.bits(), bits);
            assert_eq!(Roles::from_bits(r.bits()), r);
            assert_eq!(r.iter().collect::<Roles>(), r);
            assert_eq!(Roles::from_codes(r.codes()), r);
        }
    }

    #[test]
    fn membership_transitions() {
        use MembershipState::*;
        assert_eq!(accept(Invited), Ok(Active));
        assert_eq!(err(accept(Active)), "您已接受该单位的邀请，无需重复操作");
        assert_eq!(
            err(accept(Declined)),
            "您已拒绝该邀请，如需加入请联系该单位管理员重新邀请"
        );
        assert_eq!(
            err(accept(Removed)),
            "该邀请已被单位撤销，如需加入请联系该单位管理员"
        );

        assert_eq!(decline(Invited), Ok(Declined));
        assert_eq!(
            err(decline(Active)),
            "您已接受该邀请，不能再拒绝；如需退出请联系该单位管理员"
        );
        assert_eq!(err(decline(Declined)), "您已拒绝该邀请，无需重复操作");
        assert_eq!(err(decline(Removed)), "该邀请已被单位撤销，无需拒绝");

        assert_eq!(remove(Invited), Ok(Removed));
        assert_eq!(remove(Active), Ok(Removed));
        assert_eq!(err(remove(Declined)), "对方已拒绝该邀请，无需移除");
        assert_eq!(err(remove(Removed)), "该人员已被移除，无需重复操作");

        assert!(Invited.is_open() && Active.is_open());
        assert!(!Declined.is_open() && !Removed.is_open());
    }

    #[test]
    fn invitations() {
        use MembershipState::*;
        assert_eq!(may_invite(None), Ok(()));
        assert_eq!(may_invite(Some(Declined)), Ok(()));
        assert_eq!(may_invite(Some(Removed)), Ok(()));
        assert_eq!(
            err(may_invite(Some(Invited))),
            "已向该人员发出邀请，正在等待对方接受"
        );
        assert_eq!(
            err(may_invite(Some(Active))),
            "该人员已经是本单位的操作人员"
        );
    }

    #[test]
    fn role_changes_keep_an_admin() {
        let admin = Roles::from(Role::Admin);
        let clerk = Roles::from(Role::Clerk);
        // The last administrator cannot lose the role, nor be left with no role at all.
        assert_eq!(
            err(check_role_change(1, true, clerk)),
            "单位至少要保留一名管理员"
        );
        assert_eq!(
            err(check_role_change(1, true, Roles::empty())),
            "单位至少要保留一名管理员"
        );
        assert_eq!(
            err(check_role_change(0, true, clerk)),
            "单位至少要保留一名管理员"
        );
        assert_eq!(check_role_change(1, true, admin.with(Role::Leader)), Ok(()));
        assert_eq!(check_role_change(2, true, clerk), Ok(()));
        assert_eq!(check_role_change(1, false, clerk), Ok(()));
        assert_eq!(check_role_change(0, false, admin), Ok(()));
        assert_eq!(
            err(check_role_change(2, true, Roles::empty())),
            "请至少选择一个角色"
        );
        assert_eq!(
            err(check_role_change(1, false, Roles::empty())),
            "请至少选择一个角色"
        );

        assert_eq!(err(check_removal(1, true)), "单位至少要保留一名管理员");
        assert_eq!(err(check_removal(0, true)), "单位至少要保留一名管理员");
        assert_eq!(check_removal(2, true), Ok(()));
        assert_eq!(check_removal(1, false), Ok(()));
    }

    proptest! {
        #[test]
        fn bits_round_trip(bits in any::<i32>()) {
            let r = Roles::from_bits(bits);
            prop_assert_eq!(Roles::from_bits(r.bits()), r);
            prop_assert!((0..16).contains(&r.bits()));
        }

        #[test]
        fn never_panic(s in any::<String>(), admins in any::<u32>(), is_admin in any::<bool>(), bits in any::<i32>()) {
            let _ = Role::from_code(&s);
            let _ = MembershipState::from_code(&s);
            let _ = Roles::from_codes(s.split(','));
            let _ = check_role_change(admins, is_admin, Roles::from_bits(bits));
            let _ = check_removal(admins, is_admin);
        }
    }
}
