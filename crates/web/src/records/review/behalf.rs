//! 代申报: the unit declares for a member of its staff, attaches the proofs, and confirms the
//! record (确认) or deletes it before then.

use super::*;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    doc: String,
}

fn behalf_page(user: &CurrentUser, f: RecordForm, errors: FieldErrors) -> FormPage {
    FormPage::new(
        Chrome::for_user("代申报", "/org/records", user),
        Mode::Behalf,
        "/org/records/new".into(),
        f,
        errors,
    )
}

pub async fn new(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    policy::acting_for(&app, &user, &ip, Action::ManageRecords).await?;
    let year = app.today().format("%Y").to_string().parse().unwrap_or(2026);
    let mut f = RecordForm::blank(year, forms::new_form_key());
    f.doc_number = q.doc;
    Ok(behalf_page(&user, f, FieldErrors::default()).into_response())
}

/// 代申报: the unit declares for a member of its staff; the record waits for the unit's proofs
/// and its confirmation (确认), and counts nowhere until then.
pub async fn create(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<RecordForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ManageRecords).await?;
    let unit = acting.org.id;
    // A legacy 15-digit number finds the account registered with it, as at sign-in.
    let doc = crate::accounts::lookup_key(&app, &f.doc_number.to_ascii_uppercase());
    let person = if doc.is_empty() {
        None
    } else {
        app.store.account_by_document(&doc).await?
    };
    let cx = match &person {
        Some(p) => RuleContext::of_person(&app, p.id)
            .await?
            .filter(|cx| cx.unit_id == unit),
        None => None,
    };
    let (Some(person), Some(cx)) = (person, cx) else {
        let mut errors = FieldErrors::default();
        errors.add(
            "doc_number",
            if doc.is_empty() {
                "请填写证件号码"
            } else {
                "本单位已确认的人员中没有这个证件号码"
            },
        );
        return Ok(behalf_page(&user, f, errors).into_response());
    };
    if let Err(e) = record::not_own(person.id, user.account.id) {
        let mut errors = FieldErrors::default();
        errors.add("doc_number", e.to_string());
        return Ok(behalf_page(&user, f, errors).into_response());
    }
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let rules = cx.rules_for(&app, &f.year).await?;
    // The unit confirms what it declares: it may register a year after its deadline (补录).
    // Proofs come after saving; confirming asks for them where a record needs one.
    let mut check = rules.context(app.today(), true);
    check.deadline = None;
    let fields = match form::check(&f, &check) {
        Ok(fields) => fields,
        Err(errors) => {
            forms::abandon_once(&app, &f.form_key).await?;
            return Ok(behalf_page(&user, f, errors).into_response());
        }
    };
    let id = app
        .store
        .create_record(
            &NewRecord {
                fields: &fields,
                account_id: person.id,
                unit_id: unit,
                declared_by: user.account.id,
                declared_for_org: Some(unit),
                source: RecordSource::Unit,
                state: domain::unit_declaration::DECLARED,
                recognised_tenths: None,
                import_key: None,
            },
            &Step {
                step: "declare",
                org_id: Some(unit),
                actor_id: user.account.id,
                result: "单位代申报（待确认）",
                opinion: "",
                recognised_tenths: None,
            },
            app.now(),
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("a declared record has no import key"))?;
    user.session.flash(
        "success",
        format!(
            "已为 {} 保存代申报记录（{} 学时）：请上传证明材料后点“确认”，确认后学时计入。",
            person.real_name,
            show_hours(fields.claimed_tenths)
        ),
    );
    let location = format!("/org/records/{id}");
    forms::finish_once(&app, &f.form_key, &location).await?;
    Ok(Redirect::to(&location).into_response())
}

/// The unit deletes its own declaration before confirming it: no reason is needed, the step
/// stays on the trail.
pub(super) async fn discard(
    app: &AppState,
    back: &Back<'_>,
    user: &CurrentUser,
    acting: &Acting,
    r: &Record,
) -> AppResult<Response> {
    let step = Step {
        step: "delete",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: "单位删除（未确认）",
        opinion: "",
        recognised_tenths: None,
    };
    back.changed(
        app.store
            .discard_declaration(r.id, acting.org.id, &step, app.now())
            .await,
        "该记录的状态已经改变，请刷新查看。",
    )?;
    back.done_at(
        &crate::records::unit_list(RecordState::UnitDraft),
        format!("已删除为 {} 代申报的“{}”。", r.real_name, r.course_name),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    /// The version of the record the unit looked at.
    version: i32,
}

/// 确认: the unit approves its own declaration with the claimed hours, once its proofs are
/// attached; from here the person has the hours.
pub async fn confirm(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ConfirmForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ManageRecords).await?;
    let back = Back::to(&user.session, format!("/org/records/{id}"));
    record::not_own(r.account_id, user.account.id).or_back(&back)?;
    let has_attachment = !app
        .store
        .attachments(crate::records::attachments::OWNER, id)
        .await?
        .is_empty();
    domain::unit_declaration::confirm(
        r.state,
        r.year,
        chrono::Datelike::year(&r.start_date),
        has_attachment,
    )
    .or_back(&back)?;
    let step = Step {
        step: "confirm",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: "单位确认",
        opinion: "",
        recognised_tenths: Some(r.claimed_tenths),
    };
    back.changed(
        app.store
            .confirm_declaration(id, f.version, acting.org.id, &step, app.now())
            .await,
        "该记录在您打开后已有变动（已被他人确认或删除），请重新查看。",
    )?;
    back.done(format!(
        "已确认：{} 的“{}”计入 {} 学时。",
        r.real_name,
        r.course_name,
        show_hours(r.claimed_tenths)
    ))
}
