//! The authorization matrix of the organisation and person pages: one table of every
//! route of `orgs/mod.rs` and `people/mod.rs`, each with an object owned by
//! 广州市第一中学 (or 广州市教育局, or a person), the contexts that must be refused, and
//! one that may. A refusal is a 404 like a missing page, leaves the object as it was,
//! and is written to the audit log. A route without a row fails `every_route_has_a_row`.

use std::collections::{BTreeSet, HashMap};

use crate::on_both_engines;
use crate::orgs::{PASSWORD, account_id, acting, credit_code, new_person, org_named, signed_in};
#[allow(unused_imports)]
use crate::support::*;
use domain::roles::{Role, Roles};
use store::audit::AuditFilter;

/// Who asks, and whom for. "A" is 广州市第一中学, a unit under 广州市教育局 under
/// 广州市人社局.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who {
    /// zhangwei, a person with no membership, as themselves.
    Person,
    /// A's administrator (yizhong), signed in but acting as themselves.
    YzAdminAsSelf,
    /// A's administrator acting for A.
    YzAdmin,
    /// A member of A with the reviewer role only.
    YzReviewer,
    /// A member of A with the clerk role only.
    YzClerk,
    /// The administrator of 广州市天河中学, a sibling unit under the same department.
    ThzxAdmin,
    /// lina, clerk of 广州市天河区人民医院 (another unit under another department).
    ThyyClerk,
    /// The administrator of 广州市教育局, the department above A.
    GzjyAdmin,
    /// The same, signed in but acting as themselves.
    GzjyAsSelf,
    /// A member of 广州市教育局 with the clerk role only.
    GzjyClerk,
    /// The administrator of 广州市卫生健康委员会, a department outside A's subtree.
    GzwsAdmin,
    /// The administrator of 广州市人社局, above 广州市教育局.
    GzhrAdmin,
    /// The administrator of 深圳市人社局, outside.
    SzhrAdmin,
    /// The person the object belongs to (or who registered it), as themselves.
    Subject,
    /// The platform administrator, as themselves.
    Platform,
}

use Who::*;

/// What a row acts on, created fresh for each row.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Obj {
    /// A list or a form: nothing of anyone's in the path.
    None,
    /// A unit's registration waiting for 广州市教育局 (id: the organisation).
    Registration,
    /// A person's binding request to A (id: the binding).
    RequestedBinding,
    /// A person's confirmed binding to A (id: the binding).
    ConfirmedBinding,
    /// A person confirmed at A (id: the account).
    StaffPerson,
    /// An active clerk membership of A (id: the membership).
    MemberOfA,
    /// A's invitation to a person (id: the membership).
    Invitation,
    /// A transfer from 广州市天河中学 to A (id: the transfer).
    TransferToA,
    /// A itself, the organisation acted for (id: the organisation).
    OrgA,
    /// A unit under 广州市卫生健康委员会 asking to move under 广州市教育局 (id: the unit).
    MoveToGzjy,
    /// A person who is nobody's member yet (id: the account).
    InviteTarget,
    /// The account a unit would open (id: none; the login is [`NEW_STAFF_LOGIN`]).
    NewStaff,
    /// A draft record of a person confirmed at A (id: the record).
    OwnDraft,
    /// A record of a person confirmed at A, submitted to A (id: the record).
    OwnSubmitted,
    /// A record submitted to A, while A runs an internal flow of two reviewers (id: the record).
    SubmittedInFlow,
    /// An approved record of a person at A (id: the record).
    ApprovedAtA,
    /// A preset opinion of A (id: the opinion).
    OpinionOfA,
    /// A draft record with a PDF attached (id: the record; att: the attachment).
    DraftWithAttachment,
    /// A record submitted to A with a PDF attached (id: the record; att: the attachment).
    SubmittedWithAttachment,
    /// A's declaration (代申报) for a person at A, not confirmed yet (id: the record).
    UnitDraftAtA,
    /// The same with a PDF attached (id: the record; att: the attachment).
    UnitDraftWithAttachment,
    /// A checked import file of A waiting to be started (id: the job).
    ImportOfA,
    /// A rule set for 广州市 (id: the rule set).
    RuleInGuangzhou,
    /// A person's cycle verification waiting at A, its chain A → 教育局 → 广州市人社局 (id).
    CycleAtA,
    /// The same, returned to the person (id).
    CycleReturned,
    /// A person's certificate (id).
    CertificateOfSubject,
    /// A person's cycle verification approved at every level (id: the cycle).
    CycleApproved,
    /// A person confirmed at A with approved hours in 2025 and no certificate (id: the account).
    StaffWithHours,
    /// The same, with a valid 2025 certificate that printed other figures (id: the account;
    /// att: the certificate, as the page shows it).
    StaffWithCertificate,
    /// A finished batch print of A with its ZIP (id: the job).
    BatchOfA,
}

/// Whether the refusal is written to the audit log.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Audit {
    /// As `policy::deny` does.
    Written,
    /// The route is the person's own (a form of their own data) and refuses only the
    /// wrong acting context, which is no access to anyone else's object.
    NotNeeded,
}

struct Row {
    method: &'static str,
    /// As in the route table; the `{…}` segment takes the object's id.
    path: &'static str,
    object: Obj,
    /// The form; a value "{id}" takes the object's id.
    fields: &'static [(&'static str, &'static str)],
    refused: &'static [Who],
    /// One context that may do it, tried last (it may change the object).
    allowed: Who,
    audit: Audit,
}

const NEW_STAFF_LOGIN: &str = "authz_added";

const MANAGE_STAFF_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzReviewer,
    ThzxAdmin,
    ThyyClerk,
    GzjyAdmin,
    GzwsAdmin,
    GzhrAdmin,
    SzhrAdmin,
    Subject,
];

const REVIEW_REFUSED: &[Who] = &[
    Person, GzjyAsSelf, GzjyClerk, YzAdmin, ThzxAdmin, GzwsAdmin, GzhrAdmin, SzhrAdmin, Subject,
];

/// A move is decided by its new supervisor alone: not the old one (GzwsAdmin), not the
/// bureau above both.
const MOVE_REFUSED: &[Who] = &[
    Person, GzjyAsSelf, GzjyClerk, YzAdmin, ThzxAdmin, GzwsAdmin, GzhrAdmin, SzhrAdmin,
];

const MEMBER_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzClerk,
    YzReviewer,
    ThzxAdmin,
    ThyyClerk,
    GzjyAdmin,
    GzwsAdmin,
    GzhrAdmin,
    Subject,
];

const TRANSFER_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzReviewer,
    ThzxAdmin,
    ThyyClerk,
    GzjyAdmin,
    GzwsAdmin,
    Subject,
];

/// Printing certificates: A's clerks and administrators acting for A; not its reviewers, not
/// a department or bureau (they employ nobody), not anyone as themselves.
const PRINT_REFUSED: &[Who] = &[Person, YzAdminAsSelf, YzReviewer, GzjyAdmin, GzhrAdmin];

/// The same for one of A's staff: not a sibling unit either.
const PRINT_STAFF_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzReviewer,
    ThzxAdmin,
    ThyyClerk,
    GzjyAdmin,
    Subject,
];

/// A batch print of A: not a sibling unit, not the department above.
const BATCH_REFUSED: &[Who] = &[Person, YzAdminAsSelf, YzReviewer, ThzxAdmin, GzjyAdmin];

/// A person's own record: not another person, not anyone acting for an organisation.
const OWN_RECORD_REFUSED: &[Who] = &[Person, YzAdmin, YzAdminAsSelf, YzReviewer, GzjyAdmin];

/// A record waiting at A: only A's reviewers (not its clerks), not a sibling, not the
/// department above, not the declarer.
const REVIEW_RECORD_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzClerk,
    ThzxAdmin,
    ThyyClerk,
    GzjyAdmin,
    GzhrAdmin,
    Subject,
];

/// Seeing a record waiting at A: any member of A with a role, the clerk included.
const VIEW_RECORD_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    ThzxAdmin,
    ThyyClerk,
    GzjyAdmin,
    GzhrAdmin,
    Subject,
];

/// Correcting or deleting an approved record of A: A's administrators and clerks.
const MANAGE_RECORD_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzReviewer,
    ThzxAdmin,
    ThyyClerk,
    GzjyAdmin,
    Subject,
];

/// Deciding a cycle verification waiting at A: A's reviewers; not its clerk, a sibling, another
/// city, or the applicant.
const CYCLE_DECIDE_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzClerk,
    ThzxAdmin,
    SzhrAdmin,
    Subject,
];

/// Rule sets are kept by HR bureaus' administrators.
const BUREAU_RULES_REFUSED: &[Who] = &[Person, YzAdminAsSelf, YzAdmin, GzjyAdmin, Platform];

/// A rule set of 广州市: not another city's bureau, not a unit or department.
const RULE_REFUSED: &[Who] = &[Person, YzAdmin, GzjyAdmin, SzhrAdmin, Platform];

/// The platform's pages refuse everyone else, as a missing page.
const PLATFORM_ONLY: &[Who] = &[Person, YzAdmin, GzhrAdmin];

const RULE_FORM: &[(&str, &str)] = &[
    ("version", "1"),
    ("name", "广州市继续教育学时规定（修订）"),
    ("region_code", "440100"),
    ("series_code", ""),
    ("year_from", "2099"),
    ("year_to", "2099"),
    ("total", "72"),
    ("public", "18"),
    ("professional", "42"),
    ("elective", "0"),
    ("main_author", "28"),
    ("other_author", "14"),
    ("deadline_month", "1"),
    ("deadline_day", "31"),
];

/// The same for the platform's row, for other years (two rules may not share a year).
const PLATFORM_RULE_FORM: &[(&str, &str)] = &[
    ("version", "1"),
    ("name", "广州市继续教育学时规定（平台修订）"),
    ("region_code", "440100"),
    ("series_code", ""),
    ("year_from", "2098"),
    ("year_to", "2098"),
    ("total", "72"),
    ("public", "18"),
    ("professional", "42"),
    ("elective", "0"),
    ("main_author", "28"),
    ("other_author", "14"),
    ("deadline_month", "1"),
    ("deadline_day", "31"),
];

/// Importing is a clerk's or an administrator's work, for the unit acted for.
const IMPORT_REFUSED: &[Who] = &[Person, YzAdminAsSelf, YzReviewer, GzjyAdmin];

const IMPORT_JOB_REFUSED: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzReviewer,
    ThzxAdmin,
    ThyyClerk,
    GzjyAdmin,
];

/// A complete record form (the version a fresh record has).
const RECORD_FORM: &[(&str, &str)] = &[
    ("version", "1"),
    ("year", "2026"),
    ("category", "professional"),
    ("declaration", "training"),
    ("course_name", "课堂教学改革研修"),
    ("study_form", "面授"),
    ("institution_name", "广东继续教育培训中心"),
    ("start_date", "2026-01-12"),
    ("end_date", "2026-01-13"),
    ("claimed", "12"),
    ("matches_specialty", "1"),
    ("passed", "1"),
];

const CORRECTION_FORM: &[(&str, &str)] = &[
    ("version", "1"),
    ("year", "2026"),
    ("category", "professional"),
    ("declaration", "training"),
    ("course_name", "课堂教学改革研修（更正）"),
    ("study_form", "面授"),
    ("institution_name", "广东继续教育培训中心"),
    ("start_date", "2026-01-12"),
    ("end_date", "2026-01-13"),
    ("claimed", "12"),
    ("matches_specialty", "1"),
    ("passed", "1"),
    ("recognised", "10"),
    ("reason", "认定学时核减"),
];

/// Every route that reads or changes something, or that needs an organisation to act for.
const ROUTES: &[Row] = &[
    // Registration and its review.
    Row {
        method: "POST",
        path: "/organizations/register",
        object: Obj::None,
        fields: &[("kind", "unit"), ("name", "广州市某某学校")],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/org/registrations",
        object: Obj::None,
        fields: &[],
        refused: &[Person, GzjyAsSelf, GzjyClerk, YzAdmin],
        allowed: GzjyAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/moves/{id}/approve",
        object: Obj::MoveToGzjy,
        fields: &[],
        refused: MOVE_REFUSED,
        allowed: GzjyAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/moves/{id}/reject",
        object: Obj::MoveToGzjy,
        fields: &[("reason", "不属于教育系统")],
        refused: MOVE_REFUSED,
        allowed: GzjyAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/info/supervisor",
        object: Obj::OrgA,
        fields: &[("parent_id", "{gzhr}"), ("reason", "机构调整")],
        // Acts on the organisation acted for: others' administrators change their own.
        refused: &[Person, YzAdminAsSelf, YzReviewer, YzClerk],
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/registrations/{id}/approve",
        object: Obj::Registration,
        fields: &[],
        refused: REVIEW_REFUSED,
        allowed: GzjyAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/registrations/{id}/reject",
        object: Obj::Registration,
        fields: &[("reason", "单位名称与证照不符")],
        refused: REVIEW_REFUSED,
        allowed: GzjyAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/units",
        object: Obj::None,
        fields: &[],
        refused: &[Person, GzjyAsSelf, YzAdmin, YzReviewer],
        allowed: GzjyClerk,
        audit: Audit::Written,
    },
    // Invitations, as the person invited.
    Row {
        method: "POST",
        path: "/me/organizations/{id}/accept",
        object: Obj::Invitation,
        fields: &[],
        refused: &[Person, YzAdmin, YzAdminAsSelf],
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/organizations/{id}/decline",
        object: Obj::Invitation,
        fields: &[],
        refused: &[Person, YzAdmin, YzAdminAsSelf],
        allowed: Subject,
        audit: Audit::Written,
    },
    // Members of the organisation.
    Row {
        method: "GET",
        path: "/org/members",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, YzClerk, YzReviewer, GzjyClerk],
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/members/invite",
        object: Obj::InviteTarget,
        fields: &[("account_id", "{id}"), ("roles", "admin")],
        refused: &[
            Person,
            YzAdminAsSelf,
            YzClerk,
            YzReviewer,
            ThyyClerk,
            GzjyClerk,
            Subject,
        ],
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/members/{id}/roles",
        object: Obj::MemberOfA,
        fields: &[("roles", "admin")],
        refused: MEMBER_REFUSED,
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/members/{id}/remove",
        object: Obj::MemberOfA,
        fields: &[],
        refused: MEMBER_REFUSED,
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    // The organisation's information.
    Row {
        method: "GET",
        path: "/org/info",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/info",
        object: Obj::OrgA,
        fields: &[
            ("legal_rep", "赵大明"),
            ("contact_name", "钱小红"),
            ("contact_phone", "020-88886666"),
            ("address", "广州市越秀区越华路1号"),
        ],
        refused: &[Person, YzAdminAsSelf, YzClerk, YzReviewer],
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    // The person's own pages: not while acting for an organisation.
    Row {
        method: "GET",
        path: "/me/profile",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/profile",
        object: Obj::None,
        fields: &[("major", "教育学")],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/contact",
        object: Obj::None,
        fields: &[
            ("mobile", "13800138000"),
            ("email", "authz@example.cn"),
            ("password", "Study2026gd"),
        ],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/me/employment",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/employment/bind",
        object: Obj::None,
        fields: &[("unit_id", "0")],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/transfer",
        object: Obj::None,
        fields: &[("unit_id", "0"), ("reason", "工作调动")],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/transfer/{id}/withdraw",
        object: Obj::TransferToA,
        fields: &[],
        refused: &[Person, YzAdmin, YzAdminAsSelf, ThzxAdmin],
        allowed: Subject,
        audit: Audit::Written,
    },
    // Staff.
    Row {
        method: "GET",
        path: "/org/staff",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAsSelf],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/staff.xlsx",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAsSelf],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/staff/confirm",
        object: Obj::RequestedBinding,
        fields: &[("binding", "{id}")],
        refused: MANAGE_STAFF_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/staff/refuse",
        object: Obj::RequestedBinding,
        fields: &[("binding", "{id}"), ("reason", "不是本单位人员")],
        refused: MANAGE_STAFF_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/staff/{binding}/unbind",
        object: Obj::ConfirmedBinding,
        fields: &[("reason", "已离职")],
        refused: MANAGE_STAFF_REFUSED,
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/staff/new",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, YzReviewer, GzjyAdmin],
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/staff/new",
        object: Obj::NewStaff,
        fields: &[
            ("login_name", NEW_STAFF_LOGIN),
            ("real_name", "孙志远"),
            ("doc_number", "440106199003141236"),
            ("mobile", "13912345678"),
            ("email", "sun@example.com"),
        ],
        refused: &[Person, YzAdminAsSelf, YzReviewer, GzjyAdmin, GzwsAdmin],
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/people/{account}/profile",
        object: Obj::StaffPerson,
        fields: &[],
        refused: &[
            Person,
            YzAdminAsSelf,
            YzReviewer,
            ThzxAdmin,
            ThyyClerk,
            GzjyAdmin,
            GzwsAdmin,
            SzhrAdmin,
            Subject,
        ],
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/people/{account}/profile",
        object: Obj::StaffPerson,
        fields: &[
            ("ethnicity", "回族"),
            ("specialty", "数学教学"),
            ("city", "440100"),
        ],
        refused: &[
            Person,
            YzAdminAsSelf,
            YzReviewer,
            ThzxAdmin,
            ThyyClerk,
            GzjyAdmin,
            GzwsAdmin,
            SzhrAdmin,
            Subject,
        ],
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/people/{account}",
        object: Obj::StaffPerson,
        fields: &[],
        refused: &[
            Person,
            YzAdminAsSelf,
            ThzxAdmin,
            ThyyClerk,
            GzwsAdmin,
            SzhrAdmin,
            Subject,
        ],
        allowed: GzjyAdmin,
        audit: Audit::Written,
    },
    // Transfers into the unit.
    Row {
        method: "GET",
        path: "/org/transfers",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, YzReviewer, GzjyAdmin],
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/transfers/{id}/accept",
        object: Obj::TransferToA,
        fields: &[],
        refused: TRANSFER_REFUSED,
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/transfers/{id}/refuse",
        object: Obj::TransferToA,
        fields: &[("opinion", "编制已满")],
        refused: TRANSFER_REFUSED,
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    // CE records: the person's own.
    Row {
        method: "GET",
        path: "/me/records",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/me/records.xlsx",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/me/records/new",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/records/new",
        object: Obj::None,
        fields: &[("course_name", "数学教学研讨")],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/me/records/{id}",
        object: Obj::OwnDraft,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/me/records/{id}/edit",
        object: Obj::OwnDraft,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/records/{id}/edit",
        object: Obj::OwnDraft,
        fields: RECORD_FORM,
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/records/{id}/submit",
        object: Obj::OwnDraft,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/records/{id}/withdraw",
        object: Obj::OwnSubmitted,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/records/{id}/delete",
        object: Obj::OwnDraft,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    // CE records: the unit's review.
    Row {
        method: "GET",
        path: "/org/records",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAdmin],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/records.xlsx",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAdmin],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/decide",
        object: Obj::OwnSubmitted,
        fields: &[("record", "{id}"), ("decision", "approve")],
        refused: REVIEW_RECORD_REFUSED,
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/records/{id}",
        object: Obj::OwnSubmitted,
        fields: &[],
        refused: VIEW_RECORD_REFUSED,
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/{id}/decide",
        object: Obj::OwnSubmitted,
        fields: &[("decision", "approve"), ("recognised", "12")],
        refused: REVIEW_RECORD_REFUSED,
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/{id}/review",
        object: Obj::SubmittedInFlow,
        fields: &[
            ("version", "1"),
            ("choice", "agree"),
            ("opinion", "材料齐全"),
        ],
        refused: REVIEW_RECORD_REFUSED,
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/records/new",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, YzReviewer, GzjyAdmin],
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/new",
        object: Obj::None,
        fields: &[("doc_number", "440106199003141236")],
        refused: &[Person, YzAdminAsSelf, YzReviewer, GzjyAdmin],
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/records/{id}/correct",
        object: Obj::ApprovedAtA,
        fields: &[],
        refused: MANAGE_RECORD_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/{id}/correct",
        object: Obj::ApprovedAtA,
        fields: CORRECTION_FORM,
        refused: MANAGE_RECORD_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/{id}/delete",
        object: Obj::ApprovedAtA,
        fields: &[("reason", "重复登记")],
        refused: MANAGE_RECORD_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/{id}/confirm",
        object: Obj::UnitDraftAtA,
        fields: &[("version", "1")],
        refused: MANAGE_RECORD_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/records/settings",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, YzClerk, GzjyAdmin],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/settings",
        object: Obj::OrgA,
        fields: &[("reviewers", "2")],
        refused: &[Person, YzAdminAsSelf, YzReviewer, YzClerk],
        allowed: YzAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/opinions",
        object: Obj::OrgA,
        fields: &[("step", "approve"), ("text", "同意认定")],
        refused: &[Person, YzAdminAsSelf, YzClerk, GzjyAdmin],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/opinions/{id}/delete",
        object: Obj::OpinionOfA,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, YzClerk, ThzxAdmin, GzjyAdmin],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    // Certificates.
    Row {
        method: "GET",
        path: "/me/certificates",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/certificates/year",
        object: Obj::None,
        fields: &[("year", "2025")],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/me/certificates/{id}",
        object: Obj::CertificateOfSubject,
        fields: &[],
        refused: &[Person, YzAdmin, YzAdminAsSelf, GzjyAdmin],
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/me/certificates/{id}/pdf",
        object: Obj::CertificateOfSubject,
        fields: &[],
        refused: &[Person, YzAdmin, YzAdminAsSelf, GzjyAdmin],
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/certificates/cycle",
        object: Obj::CycleApproved,
        fields: &[("cycle", "{id}")],
        refused: &[Person],
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/certificates",
        object: Obj::None,
        fields: &[],
        refused: PRINT_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/certificates/print",
        object: Obj::StaffWithHours,
        fields: &[("account", "{id}"), ("year", "2025")],
        refused: PRINT_STAFF_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/certificates/regenerate",
        object: Obj::StaffWithCertificate,
        fields: &[("account", "{id}"), ("year", "2025"), ("replaces", "{att}")],
        refused: PRINT_STAFF_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/certificates/recount",
        object: Obj::StaffWithCertificate,
        fields: &[("account", "{id}"), ("year", "2025"), ("replaces", "{att}")],
        refused: PRINT_STAFF_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/certificates/{id}/pdf",
        object: Obj::CertificateOfSubject,
        fields: &[],
        refused: PRINT_STAFF_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/certificates/batch/{id}",
        object: Obj::BatchOfA,
        fields: &[],
        refused: BATCH_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/certificates/batch/{id}/zip",
        object: Obj::BatchOfA,
        fields: &[],
        refused: BATCH_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    // Last of the certificate rows: the batch it starts prints A's 2025 staff in the background.
    Row {
        method: "POST",
        path: "/org/certificates/batch",
        object: Obj::None,
        fields: &[("year", "2025")],
        refused: PRINT_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    // Cycle verifications.
    Row {
        method: "GET",
        path: "/me/cycles",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/me/cycles/new",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/cycles/new",
        object: Obj::None,
        fields: &[("intent", "preview")],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/me/cycles/{id}",
        object: Obj::CycleAtA,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/cycles/{id}/withdraw",
        object: Obj::CycleAtA,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/cycles/{id}/resubmit",
        object: Obj::CycleReturned,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/cycles",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAsSelf],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/cycles/search",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAsSelf],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/cycles/search.xlsx",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAsSelf],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/cycles/decide",
        object: Obj::CycleAtA,
        fields: &[
            ("cycle", "{id}"),
            ("decision", "approve"),
            ("opinion", "援藏三年，按规定特批"),
        ],
        refused: CYCLE_DECIDE_REFUSED,
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/cycles/{id}",
        object: Obj::CycleAtA,
        fields: &[],
        refused: &[
            Person,
            YzAdminAsSelf,
            ThzxAdmin,
            GzwsAdmin,
            SzhrAdmin,
            Subject,
        ],
        allowed: GzjyAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/cycles/{id}/decide",
        object: Obj::CycleAtA,
        fields: &[("decision", "approve"), ("opinion", "援藏三年，按规定特批")],
        refused: CYCLE_DECIDE_REFUSED,
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    // Verification rule sets: a bureau's for its region, the platform's for all.
    Row {
        method: "GET",
        path: "/org/rules",
        object: Obj::None,
        fields: &[],
        refused: BUREAU_RULES_REFUSED,
        allowed: GzhrAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/rules/new",
        object: Obj::None,
        fields: &[],
        refused: BUREAU_RULES_REFUSED,
        allowed: GzhrAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/rules/new",
        object: Obj::None,
        fields: &[("name", "测试规则")],
        refused: BUREAU_RULES_REFUSED,
        allowed: GzhrAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/rules/{id}",
        object: Obj::RuleInGuangzhou,
        fields: &[],
        refused: RULE_REFUSED,
        allowed: GzhrAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/rules/{id}",
        object: Obj::RuleInGuangzhou,
        fields: RULE_FORM,
        refused: RULE_REFUSED,
        allowed: GzhrAdmin,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/admin/rules",
        object: Obj::None,
        fields: &[],
        refused: PLATFORM_ONLY,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/admin/rules/new",
        object: Obj::None,
        fields: &[],
        refused: PLATFORM_ONLY,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/admin/rules/new",
        object: Obj::None,
        fields: &[("name", "测试规则")],
        refused: PLATFORM_ONLY,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/admin/rules/{id}",
        object: Obj::RuleInGuangzhou,
        fields: &[],
        refused: PLATFORM_ONLY,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/admin/rules/{id}",
        object: Obj::RuleInGuangzhou,
        fields: PLATFORM_RULE_FORM,
        refused: PLATFORM_ONLY,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    // Bulk declaration (批量申报).
    Row {
        method: "GET",
        path: "/org/records/import",
        object: Obj::None,
        fields: &[],
        refused: IMPORT_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/import",
        object: Obj::None,
        fields: &[],
        refused: IMPORT_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/records/import/template.xlsx",
        object: Obj::None,
        fields: &[],
        refused: IMPORT_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/records/import/{id}",
        object: Obj::ImportOfA,
        fields: &[],
        refused: IMPORT_JOB_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/import/{id}/start",
        object: Obj::ImportOfA,
        fields: &[("mode", "all")],
        refused: IMPORT_JOB_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    // Attachments of records.
    Row {
        method: "POST",
        path: "/me/records/{id}/attachments",
        object: Obj::OwnDraft,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/me/records/{id}/attachments/{att}",
        object: Obj::DraftWithAttachment,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/me/records/{id}/attachments/{att}/delete",
        object: Obj::DraftWithAttachment,
        fields: &[],
        refused: OWN_RECORD_REFUSED,
        allowed: Subject,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/records/{id}/attachments/{att}",
        object: Obj::SubmittedWithAttachment,
        fields: &[],
        refused: VIEW_RECORD_REFUSED,
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    // The unit's proofs of its declaration (代申报) before confirming it.
    Row {
        method: "POST",
        path: "/org/records/{id}/attachments",
        object: Obj::UnitDraftAtA,
        fields: &[],
        refused: MANAGE_RECORD_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    Row {
        method: "POST",
        path: "/org/records/{id}/attachments/{att}/delete",
        object: Obj::UnitDraftWithAttachment,
        fields: &[],
        refused: MANAGE_RECORD_REFUSED,
        allowed: YzClerk,
        audit: Audit::Written,
    },
    // Annual verification.
    Row {
        method: "GET",
        path: "/me/verification",
        object: Obj::None,
        fields: &[],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Person,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/org/verification",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAsSelf],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
    Row {
        method: "GET",
        path: "/org/verification.xlsx",
        object: Obj::None,
        fields: &[],
        refused: &[Person, YzAdminAsSelf, GzjyAsSelf],
        allowed: YzReviewer,
        audit: Audit::Written,
    },
];

/// Routes with nothing to refuse to anyone signed in, and why.
const OPEN: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/organizations/register",
        "the person's own registrations and an empty form",
    ),
    (
        "GET",
        "/organizations/supervisors/{city}",
        "public reference data: the supervisors of a city",
    ),
    (
        "GET",
        "/act",
        "the person's own memberships (a foreign one: choosing_an_organisation_not_ones_own_is_refused)",
    ),
    (
        "POST",
        "/act",
        "chooses among the person's own memberships (choosing_an_organisation_not_ones_own_is_refused)",
    ),
    ("GET", "/me/organizations", "the person's own memberships"),
    (
        "GET",
        "/verify",
        "public: the form to check a certificate by its code",
    ),
    (
        "POST",
        "/verify",
        "public: turns a typed code into its page; reads nothing",
    ),
    (
        "GET",
        "/verify/{code}",
        "public by design: a certificate's masked facts for whoever holds its code (certificates.rs tests what it shows)",
    ),
    (
        "POST",
        "/me/employment/cancel",
        "withdraws the person's own open binding request; no id in the form",
    ),
];

const ORGS_ROUTES: &str = include_str!("../../src/orgs/mod.rs");
const PEOPLE_ROUTES: &str = include_str!("../../src/people/mod.rs");
const RECORDS_ROUTES: &str = include_str!("../../src/records/mod.rs");
const VERIFICATION_ROUTES: &str = include_str!("../../src/verification/mod.rs");
const CYCLES_ROUTES: &str = include_str!("../../src/cycles/mod.rs");
const CERTIFICATES_ROUTES: &str = include_str!("../../src/certificates/mod.rs");

/// The (method, path) pairs of a routes file: every `.route("…", get(…).post(…))`.
fn routes_of(src: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in src.split(".route(").skip(1) {
        let rest = part
            .trim_start()
            .strip_prefix('"')
            .unwrap_or_else(|| panic!("a route path literal: {part}"));
        let end = rest.find('"').expect("closing quote");
        let path = &rest[..end];
        // The handlers up to the closing parenthesis of this `.route(`.
        let mut depth = 1;
        let mut handlers = String::new();
        for ch in rest[end + 1..].chars() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            handlers.push(ch);
        }
        let mut any = false;
        for m in ["get", "post", "put", "patch", "delete"] {
            let called = handlers.match_indices(&format!("{m}(")).any(|(i, _)| {
                i == 0 || !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            if called {
                out.push((m.to_ascii_uppercase(), path.to_owned()));
                any = true;
            }
        }
        assert!(any, "no method found for {path}: {handlers}");
    }
    out
}

#[test]
fn every_route_has_a_row() {
    let routes: BTreeSet<(String, String)> = routes_of(ORGS_ROUTES)
        .into_iter()
        .chain(routes_of(PEOPLE_ROUTES))
        .chain(routes_of(RECORDS_ROUTES))
        .chain(routes_of(VERIFICATION_ROUTES))
        .chain(routes_of(CYCLES_ROUTES))
        .chain(routes_of(CERTIFICATES_ROUTES))
        .collect();
    assert!(routes.len() > 20, "the route files were read: {routes:?}");
    let mut covered = BTreeSet::new();
    for r in ROUTES {
        assert!(
            covered.insert((r.method.to_owned(), r.path.to_owned())),
            "two rows for {} {}",
            r.method,
            r.path
        );
    }
    for (m, p, _) in OPEN {
        assert!(
            covered.insert(((*m).to_owned(), (*p).to_owned())),
            "{m} {p} is both in the table and open"
        );
    }
    let missing: Vec<_> = routes.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in authz::ROUTES (or a reason in authz::OPEN): {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&routes).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
    for r in ROUTES {
        let id_in_path = r.path.contains('{');
        let id_in_form = r.fields.iter().any(|(_, v)| *v == "{id}");
        assert!(
            !(id_in_path && id_in_form),
            "{} {}: one id per row",
            r.method,
            r.path
        );
        assert_eq!(
            id_in_path || id_in_form,
            !matches!(r.object, Obj::None | Obj::OrgA | Obj::NewStaff),
            "{} {}: the row's object is named by the id in its path or form",
            r.method,
            r.path
        );
        // Every page of an organisation refuses someone acting as themselves.
        if r.path.starts_with("/org/") {
            assert!(
                r.refused
                    .iter()
                    .any(|w| matches!(w, Person | YzAdminAsSelf | GzjyAsSelf)),
                "{} {} must be refused to a person acting as themselves",
                r.method,
                r.path
            );
        }
        assert!(
            !r.refused.contains(&r.allowed),
            "{} {}: {:?} both refused and allowed",
            r.method,
            r.path,
            r.allowed
        );
    }
}

/// The demo organisations, the extra members, and a browser for each context.
struct World {
    yz: i64,
    thzx: i64,
    gzjy: i64,
    gzhr: i64,
    gzws: i64,
    clients: HashMap<Who, Client>,
    accounts: HashMap<Who, i64>,
    seq: u32,
}

impl World {
    async fn new(app: &TestApp) -> World {
        with_demo(app).await;
        let store = &app.state.store;
        let now = app.state.now();
        let id = |name: &'static str| async move { org_named(app, name).await.id };
        let yz = id("广州市第一中学").await;
        let thzx = id("广州市天河中学").await;
        let thyy = id("广州市天河区人民医院").await;
        let gzjy = id("广州市教育局").await;
        let gzws = id("广州市卫生健康委员会").await;
        let gzhr = id("广州市人力资源和社会保障局").await;
        let szhr = id("深圳市人力资源和社会保障局").await;
        let only = |r: Role| Roles::default().with(r).bits();
        for (login, name, seq, org, role) in [
            ("yz_reviewer", "马文涛", 1, yz, Role::Reviewer),
            ("yz_clerk", "高雅琴", 2, yz, Role::Clerk),
            ("jy_clerk", "田志刚", 3, gzjy, Role::Clerk),
        ] {
            let p = new_person(app, login, name, seq).await;
            assert!(
                store
                    .invite_member(org, p, only(role), None, "active", now)
                    .await
                    .unwrap()
            );
        }
        // lina accepts the demo invitation of 天河区人民医院 as its clerk.
        let lina = account_id(app, "lina").await;
        let m = store.membership_of(thyy, lina).await.unwrap().unwrap();
        store
            .change_membership(m.id, &["invited"], "active", None, now)
            .await
            .unwrap();

        let mut clients = HashMap::new();
        let mut accounts = HashMap::new();
        let mut platform = Client::new(app);
        platform
            .sign_in("admin", "Admin2026jx")
            .await
            .assert_redirect("/");
        platform.get("/act").await;
        clients.insert(Platform, platform);
        accounts.insert(Platform, account_id(app, "admin").await);
        for (who, login, org) in [
            (Person, "zhangwei", None),
            (YzAdminAsSelf, "yizhong", None),
            (YzAdmin, "yizhong", Some(yz)),
            (YzReviewer, "yz_reviewer", Some(yz)),
            (YzClerk, "yz_clerk", Some(yz)),
            (ThzxAdmin, "thzx", Some(thzx)),
            (ThyyClerk, "lina", Some(thyy)),
            (GzjyAdmin, "gzjy", Some(gzjy)),
            (GzjyAsSelf, "gzjy", None),
            (GzjyClerk, "jy_clerk", Some(gzjy)),
            (GzwsAdmin, "gzws", Some(gzws)),
            (GzhrAdmin, "gzhr", Some(gzhr)),
            (SzhrAdmin, "szhr", Some(szhr)),
        ] {
            let c = match org {
                Some(org) => acting(app, login, org).await,
                None => signed_in(app, login).await,
            };
            clients.insert(who, c);
            accounts.insert(who, account_id(app, login).await);
        }
        World {
            yz,
            thzx,
            gzjy,
            gzhr,
            gzws,
            clients,
            accounts,
            seq: 100,
        }
    }
}

struct Obtained {
    id: i64,
    /// A second object in the path (`{att}`), where there is one.
    att: i64,
    /// The login of the person the object belongs to, if a person's.
    subject: Option<String>,
}

/// A valid 2025 certificate of `person` issued by `unit`, with facts that match nothing.
async fn stored_certificate(app: &TestApp, person: i64, unit: i64, seed: u32) -> i64 {
    // The seed's own bytes first, so that no two seeds (the matrix has hundreds) share a code.
    let seed_bytes = seed.to_le_bytes();
    let bytes: [u8; 12] =
        std::array::from_fn(|i| seed_bytes.get(i).copied().unwrap_or((i * 37) as u8));
    let code = domain::certificate::code_from_bytes(&bytes);
    let issued = app
        .state
        .store
        .issue_certificate(
            &store::certificates::NewCertificate {
                kind: "year",
                account_id: person,
                unit_id: unit,
                year: Some(2025),
                cycle_id: None,
                facts: "{}",
                code: &code,
                issued_by: person,
                replaces: None,
                recount_of: None,
            },
            |id| format!("JXND2025{id:08}"),
            app.state.now(),
        )
        .await
        .unwrap();
    match issued {
        store::certificates::Issued::Done(c) => c.id,
        other => panic!("issue: {other:?}"),
    }
}

async fn obtain(app: &TestApp, w: &mut World, obj: Obj) -> Obtained {
    let store = &app.state.store;
    let now = app.state.now();
    w.seq += 1;
    let n = w.seq;
    let login = format!("subject{n}");
    let person = || new_person(app, &login, "冯子墨", n);
    let subject = Some(login.clone());
    let clerk = Roles::default().with(Role::Clerk).bits();
    // Only the row about the internal flow runs with one.
    let flow = if obj == Obj::SubmittedInFlow { 2 } else { 0 };
    store.set_record_reviewers(w.yz, flow).await.unwrap();
    match obj {
        Obj::None => Obtained {
            id: 0,
            att: 0,
            subject: None,
        },
        Obj::NewStaff => Obtained {
            id: 0,
            att: 0,
            subject: None,
        },
        Obj::OrgA => Obtained {
            id: w.yz,
            att: 0,
            subject: None,
        },
        Obj::MoveToGzjy => {
            let id = store
                .create_organization(
                    store::organizations::NewOrganization {
                        kind: "unit".into(),
                        level: None,
                        name: format!("广州市测试医院{n}"),
                        region_code: "440106".into(),
                        parent_id: Some(w.gzws),
                        id_kind: Some("credit_code".into()),
                        id_code: Some(credit_code(n)),
                        legal_rep: "冯子墨".into(),
                        contact_name: "冯子墨".into(),
                        contact_phone: "020-38880000".into(),
                        address: "广州市天河区天河路2号".into(),
                        status: "approved".into(),
                        registered_by: None,
                    },
                    now,
                )
                .await
                .expect("unit");
            store
                .request_move(id, w.gzjy, "划归教育系统")
                .await
                .expect("move request");
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::Registration => {
            let p = person().await;
            let id = store
                .create_organization(
                    store::organizations::NewOrganization {
                        kind: "unit".into(),
                        level: None,
                        name: format!("广州市天河区测试学校{n}"),
                        region_code: "440106".into(),
                        parent_id: Some(w.gzjy),
                        id_kind: Some("credit_code".into()),
                        id_code: Some(credit_code(n)),
                        legal_rep: "冯子墨".into(),
                        contact_name: "冯子墨".into(),
                        contact_phone: "020-38880000".into(),
                        address: "广州市天河区天河路1号".into(),
                        status: "applied".into(),
                        registered_by: Some(p),
                    },
                    now,
                )
                .await
                .expect("registration");
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::RequestedBinding | Obj::ConfirmedBinding => {
            let p = person().await;
            let state = if obj == Obj::RequestedBinding {
                "requested"
            } else {
                "confirmed"
            };
            let id = store
                .request_binding(p, w.yz, state, now)
                .await
                .unwrap()
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::StaffPerson => {
            let p = person().await;
            store
                .request_binding(p, w.yz, "confirmed", now)
                .await
                .unwrap()
                .unwrap();
            Obtained {
                id: p,
                att: 0,
                subject,
            }
        }
        Obj::MemberOfA | Obj::Invitation => {
            let p = person().await;
            let state = if obj == Obj::MemberOfA {
                "active"
            } else {
                "invited"
            };
            store
                .invite_member(w.yz, p, clerk, None, state, now)
                .await
                .unwrap();
            let id = store.membership_of(w.yz, p).await.unwrap().unwrap().id;
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::TransferToA => {
            let p = person().await;
            store
                .request_binding(p, w.thzx, "confirmed", now)
                .await
                .unwrap()
                .unwrap();
            let id = store
                .request_transfer(p, w.thzx, w.yz, "工作调动", now)
                .await
                .unwrap()
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::InviteTarget => {
            let p = person().await;
            Obtained {
                id: p,
                att: 0,
                subject,
            }
        }
        Obj::OwnDraft
        | Obj::OwnSubmitted
        | Obj::SubmittedInFlow
        | Obj::ApprovedAtA
        | Obj::DraftWithAttachment
        | Obj::SubmittedWithAttachment
        | Obj::UnitDraftAtA
        | Obj::UnitDraftWithAttachment => {
            let p = person().await;
            store
                .request_binding(p, w.yz, "confirmed", now)
                .await
                .unwrap()
                .unwrap();
            let state = match obj {
                Obj::OwnDraft | Obj::DraftWithAttachment => "draft",
                Obj::ApprovedAtA => "approved",
                Obj::UnitDraftAtA | Obj::UnitDraftWithAttachment => "unit_draft",
                _ => "submitted",
            };
            let id = crate::records::stored_record(app, p, w.yz, state).await;
            let mut att = 0;
            if matches!(
                obj,
                Obj::DraftWithAttachment
                    | Obj::SubmittedWithAttachment
                    | Obj::UnitDraftWithAttachment
            ) {
                let key = app.state.files.put(crate::records::PDF).await.unwrap();
                att = store
                    .add_attachment(
                        &store::attachments::NewAttachment {
                            owner_kind: "ce_record",
                            owner_id: id,
                            file_name: "证明.pdf",
                            content_type: "application/pdf",
                            size: crate::records::PDF.len() as i64,
                            storage_key: &key,
                            uploaded_by: p,
                        },
                        now,
                    )
                    .await
                    .unwrap();
            }
            Obtained { id, att, subject }
        }
        Obj::CertificateOfSubject => {
            let p = person().await;
            // Confirmed at A: a unit prints only the certificates of its staff of now.
            store
                .request_binding(p, w.yz, "confirmed", now)
                .await
                .unwrap()
                .unwrap();
            let id = stored_certificate(app, p, w.yz, n).await;
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::CycleAtA | Obj::CycleReturned => {
            let p = person().await;
            store
                .request_binding(p, w.yz, "confirmed", now)
                .await
                .unwrap()
                .unwrap();
            let id = crate::cycles::stored_cycle(app, p, &[w.yz, w.gzjy, w.gzhr], "{}").await;
            if obj == Obj::CycleReturned {
                store
                    .change_cycle(
                        id,
                        &store::cycles::CycleChange {
                            from_state: "pending",
                            from_level: 0,
                            to_state: "returned",
                            to_level: 0,
                            reviewer_id: None,
                            opinion: "请补充",
                            closes: false,
                        },
                        &store::cycles::CycleStep {
                            step: "decide",
                            org_id: Some(w.yz),
                            actor_id: w.accounts[&YzReviewer],
                            result: "退案",
                            opinion: "请补充",
                        },
                        now,
                    )
                    .await
                    .unwrap();
            }
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::CycleApproved => {
            let p = person().await;
            store
                .request_binding(p, w.yz, "confirmed", now)
                .await
                .unwrap()
                .unwrap();
            let id =
                crate::cycles::stored_cycle(app, p, &[w.yz], &crate::cycles::empty_cycle_figures())
                    .await;
            store
                .change_cycle(
                    id,
                    &store::cycles::CycleChange {
                        from_state: "pending",
                        from_level: 0,
                        to_state: "approved",
                        to_level: 0,
                        reviewer_id: None,
                        opinion: "同意",
                        closes: true,
                    },
                    &store::cycles::CycleStep {
                        step: "decide",
                        org_id: Some(w.yz),
                        actor_id: w.accounts[&YzReviewer],
                        result: "通过",
                        opinion: "同意",
                    },
                    now,
                )
                .await
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::StaffWithHours | Obj::StaffWithCertificate => {
            let p = person().await;
            store
                .request_binding(p, w.yz, "confirmed", now)
                .await
                .unwrap()
                .unwrap();
            crate::records::record_in_year(app, p, w.yz, 2025, "professional", 120).await;
            let mut att = 0;
            if obj == Obj::StaffWithCertificate {
                att = stored_certificate(app, p, w.yz, n + 1000).await;
            }
            Obtained {
                id: p,
                att,
                subject,
            }
        }
        Obj::BatchOfA => {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            zip.start_file("a.pdf", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut zip, crate::records::PDF).unwrap();
            let bytes = zip.finish().unwrap().into_inner();
            let key = app.state.files.put(&bytes).await.unwrap();
            let result = format!(
                "{{\"file\":\"{key}\",\"count\":1,\"issued\":0,\"bytes\":{}}}",
                bytes.len()
            );
            let id = store
                .create_job(
                    "certificate_batch",
                    "{\"year\":2025}",
                    "done",
                    &result,
                    w.accounts[&YzClerk],
                    Some(w.yz),
                    now,
                )
                .await
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::RuleInGuangzhou => {
            let rs = domain::verification::RuleSet {
                name: format!("广州市经济系列规则{n}"),
                region_code: "440100".into(),
                series_code: Some("jingji".into()),
                year_from: Some(1900 + n as i32),
                year_to: Some(1900 + n as i32),
                requirement: domain::verification::guangzhou_rules(),
                declaration: domain::record::DeclarationRules::default(),
                deadline: (1, 31),
            };
            let id = store.save_rule_set(None, &rs, 0, now).await.unwrap();
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::ImportOfA => {
            let key = app
                .state
                .files
                .put(include_bytes!("../fixtures/import_fixed.xlsx"))
                .await
                .unwrap();
            let args = format!(
                "{{\"file_key\":\"{key}\",\"file_name\":\"学时.xlsx\",\"unit\":{}}}",
                w.yz
            );
            let result = "{\"rows\":7,\"valid\":7,\"already\":0,\"error_rows\":0,\"errors\":[],\"file_error\":\"\",\"inserted\":0}";
            let by = w.accounts[&YzClerk];
            let id = store
                .create_job(
                    "record_import",
                    &args,
                    "preview",
                    result,
                    by,
                    Some(w.yz),
                    now,
                )
                .await
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::OpinionOfA => {
            store
                .add_preset_opinion(w.yz, "approve", &format!("同意{n}"))
                .await
                .unwrap();
            let id = store
                .preset_opinions(w.yz)
                .await
                .unwrap()
                .into_iter()
                .find(|o| o.text == format!("同意{n}"))
                .expect("the opinion")
                .id;
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
    }
}

/// Everything the database holds about the object that an action could change.
async fn snapshot(app: &TestApp, obj: Obj, id: i64) -> String {
    let s = &app.state.store;
    match obj {
        Obj::None => String::new(),
        Obj::Registration => format!(
            "{:?} {:?} {:?}",
            s.organization(id).await.unwrap(),
            s.members_of(id).await.unwrap(),
            s.trail("organization", id).await.unwrap()
        ),
        Obj::RequestedBinding | Obj::ConfirmedBinding => format!(
            "{:?} {:?}",
            s.binding(id).await.unwrap(),
            s.trail("binding", id).await.unwrap()
        ),
        Obj::StaffPerson => format!(
            "{:?} {:?}",
            s.bindings_of(id).await.unwrap(),
            s.profile(id).await.unwrap()
        ),
        Obj::MemberOfA | Obj::Invitation => format!(
            "{:?} {:?}",
            s.membership(id).await.unwrap(),
            s.trail("membership", id).await.unwrap()
        ),
        Obj::TransferToA => {
            let t = s.transfer(id).await.unwrap().expect("transfer");
            format!(
                "{t:?} {:?} {:?}",
                s.bindings_of(t.account_id).await.unwrap(),
                s.trail("transfer", id).await.unwrap()
            )
        }
        Obj::OrgA | Obj::MoveToGzjy => format!(
            "{:?} {:?} {} {:?}",
            s.organization(id).await.unwrap(),
            s.trail("organization", id).await.unwrap(),
            s.record_reviewers(id).await.unwrap(),
            s.preset_opinions(id).await.unwrap()
        ),
        Obj::OwnDraft
        | Obj::OwnSubmitted
        | Obj::SubmittedInFlow
        | Obj::ApprovedAtA
        | Obj::DraftWithAttachment
        | Obj::SubmittedWithAttachment
        | Obj::UnitDraftAtA
        | Obj::UnitDraftWithAttachment => format!(
            "{:?} {:?} {:?}",
            s.record(id).await.unwrap(),
            s.review_trail(id).await.unwrap(),
            s.attachments("ce_record", id).await.unwrap()
        ),
        Obj::RuleInGuangzhou => format!("{:?}", s.rule_set(id).await.unwrap()),
        Obj::CertificateOfSubject => format!("{:?}", s.certificate(id).await.unwrap()),
        Obj::CycleApproved => {
            let c = s.cycle(id).await.unwrap().expect("the cycle");
            format!("{c:?} {:?}", s.certificates_of(c.account_id).await.unwrap())
        }
        Obj::StaffWithHours | Obj::StaffWithCertificate => {
            format!("{:?}", s.certificates_of(id).await.unwrap())
        }
        Obj::BatchOfA => format!("{:?}", s.job(id).await.unwrap()),
        Obj::CycleAtA | Obj::CycleReturned => format!(
            "{:?} {:?}",
            s.cycle(id).await.unwrap(),
            s.cycle_trail(id).await.unwrap()
        ),
        Obj::ImportOfA => format!("{:?}", s.job(id).await.unwrap().map(|j| j.state)),
        Obj::OpinionOfA => {
            let yz = org_named(app, "广州市第一中学").await.id;
            format!("{:?}", s.preset_opinions(yz).await.unwrap())
        }
        Obj::InviteTarget => format!("{:?}", s.memberships_of_account(id).await.unwrap()),
        Obj::NewStaff => format!(
            "{:?}",
            s.account_by_identifier(NEW_STAFF_LOGIN)
                .await
                .unwrap()
                .map(|a| a.id)
        ),
    }
}

async fn denials(app: &TestApp, account: i64) -> u64 {
    app.state
        .store
        .audit_entries(&AuditFilter {
            event: Some("access_denied".into()),
            account_id: Some(account),
            per_page: 1,
            ..Default::default()
        })
        .await
        .expect("audit")
        .total
}

/// The path with the object's id in its first `{…}` segment, and the second object's id
/// in `{att}`.
fn path_for(template: &str, id: i64, att: i64) -> String {
    let template = template.replace("{att}", &att.to_string());
    match (template.find('{'), template.find('}')) {
        (Some(a), Some(b)) => format!("{}{id}{}", &template[..a], &template[b + 1..]),
        _ => template,
    }
}

/// Organisations a form may name: "{gzhr}" in a row's fields takes that bureau's id.
#[derive(Clone, Copy)]
struct Places {
    gzhr: i64,
}

async fn send(c: &mut Client, row: &Row, id: i64, att: i64, places: Places) -> Response {
    let path = path_for(row.path, id, att);
    if row.method == "GET" {
        return c.get(&path).await;
    }
    let id_s = id.to_string();
    let att_s = att.to_string();
    let gzhr_s = places.gzhr.to_string();
    let fields: Vec<(&str, &str)> = row
        .fields
        .iter()
        .map(|(k, v)| {
            let v = match *v {
                "{id}" => id_s.as_str(),
                "{att}" => att_s.as_str(),
                "{gzhr}" => gzhr_s.as_str(),
                other => other,
            };
            (*k, v)
        })
        .collect();
    // A current CSRF token, as a page of the site would hold it.
    c.get("/act").await;
    if row.path.ends_with("/attachments") || row.path.ends_with("/import") {
        return c
            .post_file(&path, &fields, "file", "证明.pdf", crate::records::PDF)
            .await;
    }
    c.post(&path, &fields).await
}

/// A client for `who`, and the account that asks.
async fn client_for<'w>(
    app: &TestApp,
    w: &'w mut World,
    who: Who,
    subject: &Option<String>,
    subject_client: &'w mut Option<Client>,
) -> (&'w mut Client, i64) {
    if who == Subject {
        let login = subject
            .as_deref()
            .expect("the row's object belongs to a person");
        if subject_client.is_none() {
            *subject_client = Some(signed_in(app, login).await);
        }
        let id = account_id(app, login).await;
        (subject_client.as_mut().expect("signed in"), id)
    } else {
        let id = w.accounts[&who];
        (w.clients.get_mut(&who).expect("a client per context"), id)
    }
}

/// Drives one row: every refused context, then the allowed one.
async fn drive(app: &TestApp, w: &mut World, row: &Row) {
    let what = format!("{} {}", row.method, row.path);
    let obj = obtain(app, w, row.object).await;
    let places = Places { gzhr: w.gzhr };
    let before = snapshot(app, row.object, obj.id).await;
    let mut subject_client = None;
    for &who in row.refused {
        let (c, account) = client_for(app, w, who, &obj.subject, &mut subject_client).await;
        let denied = denials(app, account).await;
        let r = send(c, row, obj.id, obj.att, places).await;
        assert_eq!(
            r.status, 404,
            "{what} as {who:?} must look like a missing page"
        );
        r.assert_contains("页面不存在");
        assert_eq!(
            snapshot(app, row.object, obj.id).await,
            before,
            "{what} as {who:?} changed the object"
        );
        let after = denials(app, account).await;
        match row.audit {
            Audit::Written => assert_eq!(
                after,
                denied + 1,
                "{what} as {who:?}: one access_denied entry"
            ),
            Audit::NotNeeded => {}
        }
    }
    // An id that names nothing is missing for the one who may, too.
    if row.path.contains('{') {
        let (c, _) = client_for(app, w, row.allowed, &obj.subject, &mut subject_client).await;
        let r = send(c, row, 987_654_321, obj.att, places).await;
        assert_eq!(r.status, 404, "{what} with an unknown id");
    }
    let (c, _) = client_for(app, w, row.allowed, &obj.subject, &mut subject_client).await;
    let r = send(c, row, obj.id, obj.att, places).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{what} as {:?} is allowed, got {}",
        row.allowed,
        r.status
    );
    if row.method == "POST" && row.object != Obj::None {
        assert_ne!(
            snapshot(app, row.object, obj.id).await,
            before,
            "{what} as {:?} changes the object (so the refusals above were of a working action)",
            row.allowed
        );
    }
}

on_both_engines!(every_route_refuses_whoever_does_not_own_the_object, |app| {
    let mut w = World::new(&app).await;
    for row in ROUTES {
        drive(&app, &mut w, row).await;
    }
});

on_both_engines!(choosing_an_organisation_not_ones_own_is_refused, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let thzx = org_named(&app, "广州市天河中学").await;
    let thyy = org_named(&app, "广州市天河区人民医院").await;
    let hz3 = org_named(&app, "广州市海珠区第三中学").await;

    // A person with no membership.
    let mut person = signed_in(&app, "zhangwei").await;
    let r = person.post("/act", &[("org", &yz.id.to_string())]).await;
    assert_eq!(r.status, 404);
    person
        .get("/")
        .await
        .assert_contains("title=\"切换身份\">本人 ▾</a>");
    assert_eq!(person.get("/org/staff").await.status, 404);

    // Acting for one unit, choosing another.
    let mut other = acting(&app, "thzx", thzx.id).await;
    let r = other.post("/act", &[("org", &yz.id.to_string())]).await;
    assert_eq!(r.status, 404);
    other
        .get("/")
        .await
        .assert_contains("title=\"切换身份\">广州市天河中学 ▾</a>");

    // An invitation not accepted yet.
    let mut lina = signed_in(&app, "lina").await;
    let r = lina.post("/act", &[("org", &thyy.id.to_string())]).await;
    assert_eq!(r.status, 404);
    lina.get("/").await.assert_contains("本人 ▾</a>");

    // The applicant of a registration not approved.
    let mut applicant = signed_in(&app, "haizhu3").await;
    let r = applicant
        .post("/act", &[("org", &hz3.id.to_string())])
        .await;
    assert_eq!(r.status, 404);

    // A membership removed meanwhile drops the session back to the person.
    let mut admin = acting(&app, "yizhong", yz.id).await;
    assert_eq!(admin.get("/org/staff").await.status, 200);
    let me = account_id(&app, "yizhong").await;
    let m = store.membership_of(yz.id, me).await.unwrap().unwrap();
    store
        .change_membership(m.id, &["active"], "removed", None, app.state.now())
        .await
        .unwrap();
    assert_eq!(admin.get("/org/staff").await.status, 404);
    admin
        .get("/")
        .await
        .assert_contains("title=\"切换身份\">本人 ▾</a>");
    let mut again = Client::new(&app);
    again
        .sign_in("yizhong", PASSWORD)
        .await
        .assert_redirect("/");
});
