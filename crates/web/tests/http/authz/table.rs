//! The rows of the authorization matrix: who asks ([`Who`]), what a row acts on ([`Obj`]),
//! and for every route the contexts that are refused and one that may. A visitor who is not
//! signed in ([`Who::Anonymous`]) is refused by every row without being listed.

/// Who asks, and whom for. "A" is 广州市第一中学, a unit under 广州市教育局 under
/// 广州市人社局.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Who {
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
    /// The platform administrator acting for 深圳市人社局, where they are a clerk: the
    /// platform's administration is done as oneself only.
    PlatformActing,
    /// A browser that has not signed in: sent to sign in (a redirect to /login), never
    /// answered. Tried on every row; not listed in any.
    Anonymous,
}

use Who::*;

/// What a row acts on, created fresh for each row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Obj {
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
    /// The account of the one who may, a person as themselves, acting on their own account
    /// (id: the account, named nowhere in the request: a form names the bystander's account
    /// instead, which must change nothing of theirs).
    OwnAccount,
    /// A person's account, as the platform administrator manages it (id: the account).
    Account,
    /// The same, locked by an administrator (id: the account).
    LockedAccount,
}

/// Whether the refusal is written to the audit log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Audit {
    /// As `policy::deny` does.
    Written,
    /// The route is the person's own (a form of their own data) and refuses only the
    /// wrong acting context, which is no access to anyone else's object; or it is the
    /// platform's, which answers everyone else as a missing page (`auth::PlatformAdmin`)
    /// without an entry.
    NotNeeded,
}

pub(super) struct Row {
    pub(super) method: &'static str,
    /// As in the route table; the `{…}` segment takes the object's id.
    pub(super) path: &'static str,
    pub(super) object: Obj,
    /// The form; a value "{id}" takes the object's id, "{att}" the second object's,
    /// "{gzhr}" 广州市人社局's and "{bystander}" the bystander's account (a person confirmed
    /// at A whom no row is about, and whom no request may change).
    pub(super) fields: &'static [(&'static str, &'static str)],
    pub(super) refused: &'static [Who],
    /// One context that may do it, tried last (it may change the object).
    pub(super) allowed: Who,
    pub(super) audit: Audit,
}

pub(super) const NEW_STAFF_LOGIN: &str = "authz_added";

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

/// The platform's pages refuse everyone else, as a missing page, and the platform
/// administrator too while acting for an organisation.
const PLATFORM_ONLY: &[Who] = &[Person, YzAdminAsSelf, YzAdmin, GzhrAdmin, PlatformActing];

/// The same for an action on a person's account: not by its holder either.
const PLATFORM_ON_ACCOUNT: &[Who] = &[
    Person,
    YzAdminAsSelf,
    YzAdmin,
    GzhrAdmin,
    PlatformActing,
    Subject,
];

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
pub(super) const ROUTES: &[Row] = &[
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
    // The person's own profile and contact: the form names another account, which
    // changes nothing of theirs.
    Row {
        method: "POST",
        path: "/me/profile",
        object: Obj::OwnAccount,
        fields: &[
            ("major", "教育学"),
            ("account_id", "{bystander}"),
            ("id", "{bystander}"),
        ],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Subject,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/me/contact",
        object: Obj::OwnAccount,
        fields: &[
            ("mobile", "13900139000"),
            ("email", "authz@example.cn"),
            ("password", "Study2026gd"),
            ("account_id", "{bystander}"),
            ("id", "{bystander}"),
        ],
        refused: &[YzAdmin, GzjyAdmin],
        allowed: Subject,
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
    // The account itself: anyone signed in, for their own account only, acting for an
    // organisation or not; the form names another account, which changes nothing of theirs.
    Row {
        method: "GET",
        path: "/account/password",
        object: Obj::None,
        fields: &[],
        refused: &[],
        allowed: YzAdmin,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/account/password",
        object: Obj::OwnAccount,
        fields: &[
            ("current", "Study2026gd"),
            ("new", "Authz2026pw"),
            ("new2", "Authz2026pw"),
            ("account_id", "{bystander}"),
            ("id", "{bystander}"),
            ("login_name", "bystander"),
        ],
        refused: &[],
        allowed: Subject,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/logout",
        object: Obj::OwnAccount,
        fields: &[("account_id", "{bystander}"), ("id", "{bystander}")],
        refused: &[],
        allowed: Subject,
        audit: Audit::NotNeeded,
    },
    // The platform's administration of accounts and its audit log.
    Row {
        method: "GET",
        path: "/admin/accounts",
        object: Obj::None,
        fields: &[],
        refused: PLATFORM_ONLY,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/admin/accounts/{id}/lock",
        object: Obj::Account,
        fields: &[("back", "/admin/accounts")],
        refused: PLATFORM_ON_ACCOUNT,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    // Not tried by its holder: a locked account cannot sign in.
    Row {
        method: "POST",
        path: "/admin/accounts/{id}/unlock",
        object: Obj::LockedAccount,
        fields: &[("back", "/admin/accounts")],
        refused: PLATFORM_ONLY,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "POST",
        path: "/admin/accounts/{id}/reset-password",
        object: Obj::Account,
        fields: &[("back", "/admin/accounts")],
        refused: PLATFORM_ON_ACCOUNT,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
    Row {
        method: "GET",
        path: "/admin/audit",
        object: Obj::None,
        fields: &[],
        refused: PLATFORM_ONLY,
        allowed: Platform,
        audit: Audit::NotNeeded,
    },
];

/// Routes with nothing to refuse, and why: public pages and forms used before signing in, and
/// the signed-in person's own that name no object. No request is made to them here.
pub(super) const OPEN: &[(&str, &str, &str)] = &[
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
    // Before signing in: they act on no account of a signed-in person (accounts.rs,
    // recovery.rs and security.rs test them).
    ("GET", "/login", "before signing in: the sign-in form"),
    (
        "POST",
        "/login",
        "before signing in: signs in whoever knows the password (lockout: security.rs)",
    ),
    (
        "GET",
        "/register",
        "before signing in: the registration form",
    ),
    (
        "POST",
        "/register",
        "before signing in: opens a new account, never changes one",
    ),
    (
        "POST",
        "/register/check-document",
        "before signing in: whether a document number is free, for the registration form",
    ),
    (
        "GET",
        "/recover",
        "before signing in: the password recovery form",
    ),
    (
        "POST",
        "/recover",
        "before signing in: names the account whose security questions follow (recovery.rs)",
    ),
    (
        "GET",
        "/recover/answer",
        "before signing in: the questions of the account named in this session",
    ),
    (
        "POST",
        "/recover/answer",
        "before signing in: the answers set a new password of the account named in this session (recovery.rs)",
    ),
];
