//! Attachments of a record (证明材料): the declarer adds and removes them while the record is
//! theirs to edit, the unit while its own declaration (代申报) waits for its confirmation; the
//! declarer and the reviewing unit open them, inline where the browser can show them.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use domain::attachment::{FileKind, check_upload, stored_name};
use domain::policy::Action;
use domain::record::{self, RecordState};
use store::ChangeError;
use store::attachments::{Attachment, NewAttachment};

use super::mine::Empty;
use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::forms::{CsrfForm, Upload};
use crate::policy;

pub const OWNER: &str = "ce_record";

/// The most attachments one record carries.
const MAX_PER_RECORD: usize = 10;

async fn own_record(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    id: i64,
) -> AppResult<store::records::Record> {
    match app.store.record(id).await? {
        Some(r)
            if user.acting.is_none()
                && r.account_id == user.account.id
                && r.state != RecordState::Deleted =>
        {
            Ok(r)
        }
        _ => Err(policy::deny(app, user, ip, &format!("他人学时记录的附件 {id}")).await),
    }
}

/// Checks an uploaded file by its content and stores it with the record `id`: the name it is
/// kept under, or the message to show.
async fn store_upload(
    app: &AppState,
    user: &CurrentUser,
    id: i64,
    form: Upload,
) -> AppResult<Result<String, String>> {
    let limit = app.config.upload_limit;
    if form.too_large {
        return Ok(Err(format!(
            "文件过大：单个附件不能超过{}MB",
            app.config.upload_limit_mb()
        )));
    }
    let Some(file) = form.file else {
        return Ok(Err("请选择要上传的文件".into()));
    };
    let kind = match check_upload(&file.bytes, limit) {
        Ok(k) => k,
        Err(e) => return Ok(Err(e)),
    };
    if app.store.attachments(OWNER, id).await?.len() >= MAX_PER_RECORD {
        return Ok(Err(format!("每条记录最多上传{MAX_PER_RECORD}个附件。")));
    }
    let key = app
        .files
        .put(&file.bytes)
        .await
        .map_err(|e| anyhow::anyhow!("storing an attachment: {e}"))?;
    let name = stored_name(&file.name, kind);
    app.store
        .add_attachment(
            &NewAttachment {
                owner_kind: OWNER,
                owner_id: id,
                file_name: &name,
                content_type: kind.content_type(),
                size: file.bytes.len() as i64,
                storage_key: &key,
                uploaded_by: user.account.id,
            },
            app.now(),
        )
        .await?;
    Ok(Ok(name))
}

/// Shows the outcome of an upload on the record's page.
fn uploaded(user: &CurrentUser, here: &str, outcome: Result<String, String>) -> Response {
    match outcome {
        Ok(name) => user.session.flash("success", format!("已上传“{name}”。")),
        Err(message) => user.session.flash("error", message),
    }
    Redirect::to(here).into_response()
}

pub async fn upload(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    form: Upload,
) -> AppResult<Response> {
    let here = format!("/me/records/{id}");
    let r = own_record(&app, &ip, &user, id).await?;
    if !record::may_edit(r.state) {
        user.session
            .flash("error", "该记录已送审或已审核，不能再修改附件。");
        return Ok(Redirect::to(&here).into_response());
    }
    let outcome = store_upload(&app, &user, id, form).await?;
    Ok(uploaded(&user, &here, outcome))
}

pub async fn remove(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path((id, att)): Path<(i64, i64)>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> AppResult<Response> {
    let r = own_record(&app, &ip, &user, id).await?;
    let here = format!("/me/records/{id}");
    if !record::may_edit(r.state) {
        user.session
            .flash("error", "该记录已送审或已审核，不能再修改附件。");
        return Ok(Redirect::to(&here).into_response());
    }
    remove_from(&app, &ip, &user, id, att, &here).await
}

async fn remove_from(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    id: i64,
    att: i64,
    here: &str,
) -> AppResult<Response> {
    match app.store.delete_attachment(att, OWNER, id).await {
        Ok(()) => user.session.flash("success", "已删除附件。"),
        Err(ChangeError::Conflict) => {
            return Err(policy::deny(app, user, ip, &format!("删除其他记录的附件 {att}")).await);
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(here).into_response())
}

/// The unit's own declaration (代申报) not confirmed yet, for its proofs; anything else of
/// the unit is refused with a message, anything of another unit as a denial.
async fn unit_declaration(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    id: i64,
) -> AppResult<Result<(), String>> {
    let acting = policy::acting_for(app, user, ip, Action::ManageRecords).await?;
    match app.store.record(id).await? {
        Some(r) if r.unit_id == acting.org.id && r.state != RecordState::Draft => {
            if !domain::unit_declaration::may_attach(r.state) {
                return Ok(Err(
                    "只有尚未确认的代申报记录才能由单位上传或删除证明材料。".into(),
                ));
            }
            // The proofs are part of declaring: nobody declares their own hours.
            Ok(record::not_own(r.account_id, user.account.id).map_err(|e| e.to_string()))
        }
        _ => Err(policy::deny(app, user, ip, &format!("其他单位学时记录的附件 {id}")).await),
    }
}

/// The unit attaches a proof to its declaration before confirming it.
pub async fn upload_for_unit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    form: Upload,
) -> AppResult<Response> {
    let here = format!("/org/records/{id}");
    if let Err(message) = unit_declaration(&app, &ip, &user, id).await? {
        user.session.flash("error", message);
        return Ok(Redirect::to(&here).into_response());
    }
    let outcome = store_upload(&app, &user, id, form).await?;
    Ok(uploaded(&user, &here, outcome))
}

/// The unit removes a proof of its declaration before confirming it.
pub async fn remove_for_unit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path((id, att)): Path<(i64, i64)>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> AppResult<Response> {
    let here = format!("/org/records/{id}");
    if let Err(message) = unit_declaration(&app, &ip, &user, id).await? {
        user.session.flash("error", message);
        return Ok(Redirect::to(&here).into_response());
    }
    remove_from(&app, &ip, &user, id, att, &here).await
}

async fn send(app: &AppState, a: &Attachment) -> AppResult<Response> {
    let bytes = app
        .files
        .get(&a.storage_key)
        .await
        .map_err(|e| anyhow::anyhow!("reading an attachment: {e}"))?
        .ok_or(AppError::NotFound)?;
    // Only the three kinds ever stored are served as themselves.
    let kind = FileKind::from_content_type(&a.content_type).ok_or(AppError::NotFound)?;
    let disposition = format!(
        "inline; filename=\"attachment.{}\"; filename*=UTF-8''{}",
        kind.extension(),
        crate::auth::urlencode(&a.file_name).replace('+', "%20")
    );
    Ok((
        [
            (CONTENT_TYPE, kind.content_type().to_owned()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

async fn of_record(app: &AppState, id: i64, att: i64) -> AppResult<Option<Attachment>> {
    Ok(app
        .store
        .attachment(att)
        .await?
        .filter(|a| a.owner_kind == OWNER && a.owner_id == id))
}

/// The declarer opens an attachment of their record.
pub async fn open_own(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path((id, att)): Path<(i64, i64)>,
) -> AppResult<Response> {
    own_record(&app, &ip, &user, id).await?;
    match of_record(&app, id, att).await? {
        Some(a) => send(&app, &a).await,
        None => Err(policy::deny(&app, &user, &ip, &format!("其他记录的附件 {att}")).await),
    }
}

/// The reviewing unit opens an attachment of a record submitted to it.
pub async fn open_for_unit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path((id, att)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewRecords).await?;
    let record = app.store.record(id).await?;
    let ok = record.is_some_and(|r| r.unit_id == acting.org.id && r.state != RecordState::Draft);
    match (ok, of_record(&app, id, att).await?) {
        (true, Some(a)) => send(&app, &a).await,
        _ => Err(policy::deny(&app, &user, &ip, &format!("其他单位记录的附件 {att}")).await),
    }
}
