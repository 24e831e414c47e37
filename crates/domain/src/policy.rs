//! Who may do what while acting for an organisation: one table, used by every handler.
//! Whose objects they may touch (their own subtree of the organisation tree) is the
//! other half of the policy, decided with the tree in the store.

use crate::org::OrgKind;
use crate::roles::{Role, Roles};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See staff lists and a person's data.
    ViewStaff,
    /// Confirm or refuse binding requests, unbind, add staff, edit staff.
    ManageStaff,
    /// Accept or refuse transfers into the unit.
    AcceptTransfers,
    /// Approve or reject the registrations of organisations below.
    ReviewRegistrations,
    /// See the organisations below.
    ViewUnits,
    /// Invite personal accounts, grant and remove roles.
    ManageMembers,
    /// Change the organisation's contact details.
    EditOrgInfo,
    /// See the staff's CE records (the queue, a record, its attachments, exports).
    ViewRecords,
    /// Review the staff's CE records and keep the preset opinions.
    ReviewRecords,
    /// Declare for staff (代申报), import declarations, correct approved records (培训信息维护).
    ManageRecords,
    /// Maintain the verification rule sets (验证规则) of the bureau's region.
    ManageRules,
    /// See the cycle verifications waiting at the organisation and those of its subtree.
    ViewCycles,
    /// Decide cycle verifications at the organisation's level of their chain.
    ReviewCycles,
    /// Print, regenerate (新号) and recount (重新统计) the staff's certificates.
    PrintCertificates,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::ViewStaff,
        Action::ManageStaff,
        Action::AcceptTransfers,
        Action::ReviewRegistrations,
        Action::ViewUnits,
        Action::ManageMembers,
        Action::EditOrgInfo,
        Action::ViewRecords,
        Action::ReviewRecords,
        Action::ManageRecords,
        Action::ManageRules,
        Action::ViewCycles,
        Action::ReviewCycles,
        Action::PrintCertificates,
    ];
}

/// Whether an organisation of `kind` does this kind of work at all.
fn kind_does(kind: OrgKind, action: Action) -> bool {
    let employs = matches!(
        kind,
        OrgKind::Unit | OrgKind::Institution | OrgKind::DirectPoint
    );
    let supervises = matches!(kind, OrgKind::Department | OrgKind::HrBureau);
    match action {
        Action::ViewStaff
        | Action::ManageMembers
        | Action::EditOrgInfo
        | Action::ViewCycles
        | Action::ReviewCycles => true,
        Action::ManageStaff
        | Action::AcceptTransfers
        | Action::ViewRecords
        | Action::ReviewRecords
        | Action::ManageRecords
        | Action::PrintCertificates => employs,
        Action::ReviewRegistrations | Action::ViewUnits => supervises,
        Action::ManageRules => kind == OrgKind::HrBureau,
    }
}

/// The roles that allow an action; an administrator may do everything.
fn roles_for(action: Action) -> &'static [Role] {
    match action {
        Action::ViewStaff => &[Role::Admin, Role::Clerk, Role::Reviewer, Role::Leader],
        Action::ManageStaff | Action::AcceptTransfers => &[Role::Admin, Role::Clerk],
        Action::ReviewRegistrations => &[Role::Admin, Role::Reviewer, Role::Leader],
        Action::ViewUnits => &[Role::Admin, Role::Clerk, Role::Reviewer, Role::Leader],
        Action::ManageMembers | Action::EditOrgInfo => &[Role::Admin],
        Action::ViewRecords => &[Role::Admin, Role::Clerk, Role::Reviewer, Role::Leader],
        Action::ReviewRecords => &[Role::Admin, Role::Reviewer, Role::Leader],
        Action::ManageRecords | Action::PrintCertificates => &[Role::Admin, Role::Clerk],
        Action::ManageRules => &[Role::Admin],
        Action::ViewCycles => &[Role::Admin, Role::Clerk, Role::Reviewer, Role::Leader],
        Action::ReviewCycles => &[Role::Admin, Role::Reviewer, Role::Leader],
    }
}

pub fn permits(kind: OrgKind, roles: Roles, action: Action) -> bool {
    kind_does(kind, action) && roles_for(action).iter().any(|r| roles.contains(*r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(r: Role) -> Roles {
        Roles::default().with(r)
    }

    #[test]
    fn a_clerk_manages_staff_but_not_members() {
        assert!(permits(
            OrgKind::Unit,
            only(Role::Clerk),
            Action::ManageStaff
        ));
        assert!(!permits(
            OrgKind::Unit,
            only(Role::Clerk),
            Action::ManageMembers
        ));
        assert!(!permits(
            OrgKind::Unit,
            only(Role::Reviewer),
            Action::ManageStaff
        ));
        assert!(permits(
            OrgKind::Unit,
            only(Role::Reviewer),
            Action::ViewStaff
        ));
    }

    #[test]
    fn units_do_not_review_and_departments_do_not_employ() {
        assert!(!permits(
            OrgKind::Unit,
            only(Role::Admin),
            Action::ReviewRegistrations
        ));
        assert!(permits(
            OrgKind::Department,
            only(Role::Reviewer),
            Action::ReviewRegistrations
        ));
        assert!(permits(
            OrgKind::HrBureau,
            only(Role::Admin),
            Action::ViewUnits
        ));
        assert!(!permits(
            OrgKind::Department,
            only(Role::Admin),
            Action::ManageStaff
        ));
        assert!(!permits(
            OrgKind::HrBureau,
            only(Role::Clerk),
            Action::AcceptTransfers
        ));
        assert!(permits(
            OrgKind::DirectPoint,
            only(Role::Clerk),
            Action::ManageStaff
        ));
    }

    #[test]
    fn no_role_permits_nothing() {
        for kind in OrgKind::ALL {
            for action in Action::ALL {
                assert!(
                    !permits(kind, Roles::default(), action),
                    "{kind:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn an_administrator_does_all_the_kind_does() {
        for action in Action::ALL {
            assert!(
                permits(OrgKind::Unit, only(Role::Admin), action)
                    == kind_does(OrgKind::Unit, action)
            );
        }
    }
}
