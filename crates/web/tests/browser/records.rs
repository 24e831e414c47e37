//! CE records: declare, attach, submit, return, resubmit, approve in a batch, and the annual verification.

use super::*;

/// A small but well-formed one-page PDF (header, objects, cross-reference table, trailer).
pub(crate) fn tiny_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A cell of this year's row on the person's 年度验证 page, by its column label.
async fn verification_cell(p: &Page, year: i32, label: &str) -> anyhow::Result<String> {
    let cell =
        p.d.find(By::XPath(format!(
            "//table[contains(@class,'list')]//tr[td[@data-label='年度'][normalize-space()='{year}']]\
             /td[@data-label='{label}']"
        )))
        .await
        .with_context(|| format!("no {label} in the row of {year}"))?;
    Ok(cell.text().await?.trim().to_owned())
}

/// Hours as shown ("5.5"), in tenths.
fn tenths(shown: &str) -> anyhow::Result<i64> {
    Ok(domain::hours::parse(shown)
        .map_err(|e| anyhow::anyhow!("hours {shown:?}: {e}"))?
        .tenths())
}

#[tokio::test(flavor = "multi_thread")]
async fn records_journey() {
    use chrono::Datelike;

    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const YZ: &str = "广州市第一中学";
    const INSTITUTION: &str = "广东省教育研究院";
    const RETURN_OPINION: &str = "证明材料不全，请补充后重新申报";
    const PDF_NAME: &str = "结业证书.pdf";
    // This year in the calendar of the rules (Asia/Shanghai), from the real clock: a
    // course of up to three days that ended today, never before 1 January.
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00");
    let today = chrono::Utc::now().with_timezone(&shanghai).date_naive();
    let year = today.year();
    let new_year = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
    let start = (today - chrono::Duration::days(2)).max(new_year);
    let end = today;
    let before_start = start - chrono::Duration::days(1);
    // At most 6 hours a day, whatever the number of days.
    let (first_claim, final_claim) = ("6", "5.5");
    let course = format!("{year}年教育数字化转型专题研修");
    let files = tempfile::tempdir().expect("a directory for the certificate");
    let pdf = files.path().join(PDF_NAME);
    std::fs::write(&pdf, tiny_pdf()).expect("write the certificate");
    let pdf = pdf.display().to_string();
    browser
        .run(&app, "records_journey", |p| async move {
            let mut notes = Vec::new();

            // 1. zhangwei declares a course: a mistake first, then a draft, a certificate,
            // and 送审.
            p.goto("/login").await?;
            p.sign_in("zhangwei", PW).await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            p.click_to_next_page(By::Css("#sidenav a[href='/me/records']"))
                .await?;
            assert_eq!(p.path().await?, "/me/records");
            assert_eq!(p.text("main h1").await?, "学时申报");
            let rows = p.rows().await?;
            assert!(
                rows.iter().any(|r| r.contains("已通过")),
                "the demo's records are listed: {rows:#?}"
            );
            shoot_noting(&p, "01-records", true, &mut notes).await?;

            p.click_to_next_page(By::LinkText("申报学时")).await?;
            assert_eq!(p.path().await?, "/me/records/new");
            assert_eq!(p.text("main h1").await?, "申报学时");
            assert_eq!(p.value("#year").await?, year.to_string(), "this year first");
            p.choose("#category", "elective").await?;
            p.choose("#study_form", "网络培训").await?;
            p.fill("#course_name", &course).await?;
            p.fill("#institution_name", INSTITUTION).await?;
            set_date(&p, "#start_date", start).await?;
            set_date(&p, "#end_date", before_start).await?;
            p.fill("#claimed", first_claim).await?;
            // An elective is outside one's specialty.
            p.choose("#matches_specialty", "0").await?;
            p.fill("#content", "课堂教学中的数字化工具与资源建设")
                .await?;
            p.click_to_next_page(By::Css("main form button[name=intent][value=draft]"))
                .await?;

            assert_eq!(p.path().await?, "/me/records/new", "shown again");
            let summary = p.text(".error-summary").await?;
            assert!(summary.contains("请修改以下 1 处"), "{summary}");
            assert_eq!(p.field_error("end_date").await?, "结束日期不能早于开始日期");
            assert!(p.field_has_error("end_date").await?);
            assert!(!p.field_has_error("start_date").await?);
            assert!(!p.field_has_error("course_name").await?);
            assert_eq!(p.value("#course_name").await?, course, "the course is kept");
            assert_eq!(p.value("#institution_name").await?, INSTITUTION);
            assert_eq!(p.value("#category").await?, "elective");
            assert_eq!(p.value("#claimed").await?, first_claim);
            assert_eq!(
                p.value("#end_date").await?,
                before_start.format("%Y-%m-%d").to_string()
            );
            shoot_noting(&p, "02-record-new-errors", true, &mut notes).await?;

            set_date(&p, "#end_date", end).await?;
            p.click_to_next_page(By::Css("main form button[name=intent][value=draft]"))
                .await?;
            let here = p.path().await?;
            let id: i64 = here
                .strip_prefix("/me/records/")
                .and_then(|s| s.parse().ok())
                .with_context(|| format!("a draft leads to its record page, not {here}"))?;
            let flash = p.flash().await?;
            assert!(flash.contains("已暂存"), "{flash}");
            assert_eq!(p.text("main h1 .badge").await?, "暂存");
            assert!(
                p.d.find_all(By::Css("main ul.files")).await?.is_empty(),
                "no attachment yet"
            );

            p.d.find(By::Css("input#file"))
                .await?
                .send_keys(&pdf)
                .await?;
            p.click_to_next_page(By::XPath(format!(
                "//form[@action='/me/records/{id}/attachments']//button[normalize-space()='上传']"
            )))
            .await?;
            assert_eq!(p.path().await?, here);
            assert_eq!(p.flash().await?, format!("已上传“{PDF_NAME}”。"));
            let listed = p.text("main ul.files").await?;
            assert!(
                listed.contains(PDF_NAME),
                "the certificate is listed: {listed}"
            );

            p.click_to_next_page(By::XPath(format!(
                "//form[@action='/me/records/{id}/submit']//button[normalize-space()='送审']"
            )))
            .await?;
            assert_eq!(p.path().await?, here);
            let flash = p.flash().await?;
            assert!(
                flash.contains("已送审") && flash.contains(YZ),
                "submitted to the school: {flash}"
            );
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            let facts = p.text("main .facts").await?;
            assert!(
                facts.contains("选修科目") && facts.contains("6.0 学时"),
                "{facts}"
            );
            assert!(
                p.d.find_all(By::XPath("//main//button[normalize-space()='回收']"))
                    .await?
                    .len()
                    == 1,
                "a submitted record may be withdrawn"
            );
            shoot_noting(&p, "03-record-submitted", true, &mut notes).await?;

            // 2. Her years: this year's row, with the new hours waiting.
            p.click_to_next_page(By::Css("#sidenav a[href='/me/verification']"))
                .await?;
            assert_eq!(p.path().await?, "/me/verification");
            assert_eq!(p.text("main h1").await?, "年度验证");
            let elective_before = tenths(&verification_cell(&p, year, "选修科目").await?)?;
            let total_before = tenths(&verification_cell(&p, year, "合计").await?)?;
            let pending = tenths(&verification_cell(&p, year, "待审").await?)?;
            assert!(pending >= 60, "the 6 hours wait: {pending} tenths");
            shoot_noting(&p, "04-verification", true, &mut notes).await?;
            p.sign_out().await?;

            // 3. The school returns it with a preset opinion.
            p.sign_in("yizhong", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(YZ).await?;
            let waiting = p.todo_count("待审核的学时记录").await?;
            assert!(waiting.is_some_and(|n| n > 0), "{waiting:?}");
            shoot_noting(&p, "05-yizhong-home", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("待审核的学时记录"))
                .await?;
            assert_eq!(p.path().await?, "/org/records");
            assert_eq!(p.text("main h1").await?, "学时审核");
            let bar = p.text("main .bulk-bar").await?;
            assert!(bar.contains("全选本页待审"), "{bar}");
            let queue = p.rows().await?;
            assert!(
                queue.first().is_some_and(|r| r.contains(&course)
                    && r.contains("张伟")
                    && r.contains("待审")),
                "the newest submission comes first: {queue:#?}"
            );
            shoot_noting(&p, "06-queue", true, &mut notes).await?;

            p.click_to_next_page(By::LinkText(&course)).await?;
            assert_eq!(p.path().await?, format!("/org/records/{id}"));
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            let listed = p.text("main ul.files").await?;
            assert!(
                listed.contains(PDF_NAME),
                "the unit sees the certificate: {listed}"
            );
            p.choose("#preset", RETURN_OPINION).await?;
            p.wait_js(
                "the preset opinion to fill the opinion",
                &format!(
                    "document.getElementById('opinion').value === {}",
                    serde_json::json!(RETURN_OPINION)
                ),
            )
            .await?;
            assert_eq!(p.value("textarea#opinion").await?, RETURN_OPINION);
            p.d.find(By::Css("input[name=decision][value=return]"))
                .await?
                .click()
                .await?;
            shoot_noting(&p, "07-review", true, &mut notes).await?;
            p.click_to_next_page(By::XPath("//main//button[normalize-space()='提交审核']"))
                .await?;
            assert_eq!(p.path().await?, "/org/records", "{}", p.body_text().await?);
            let flash = p.flash().await?;
            assert!(flash.contains("已审核"), "{flash}");
            assert_eq!(flash, "已审核：张伟，不同意并退案。");
            assert!(
                !p.rows().await?.iter().any(|r| r.contains(&course)),
                "the returned record leaves the queue"
            );
            p.sign_out().await?;

            // 4. zhangwei corrects it and submits again.
            p.sign_in("zhangwei", PW).await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            assert_eq!(p.todo_count("退回待修改的学时记录").await?, Some(1));
            shoot_noting(&p, "08-zhangwei-home-returned", false, &mut notes).await?;
            p.click_to_next_page(By::PartialLinkText("退回待修改的学时记录"))
                .await?;
            assert_eq!(p.path().await?, "/me/records");
            let rows = p.rows().await?;
            assert!(
                rows.len() == 1 && rows[0].contains(&course) && rows[0].contains("已退回修改"),
                "{rows:#?}"
            );
            p.click_to_next_page(By::LinkText(&course)).await?;
            assert_eq!(p.path().await?, here);
            assert_eq!(p.text("main h1 .badge").await?, "已退回修改");
            let notice = p.text("main .notice").await?;
            assert!(notice.contains(RETURN_OPINION), "{notice}");
            shoot_noting(&p, "09-record-returned", true, &mut notes).await?;

            p.click_to_next_page(By::LinkText("修改")).await?;
            assert_eq!(p.path().await?, format!("{here}/edit"));
            assert_eq!(p.text("main h1").await?, "修改学时记录");
            let notice = p.text("main .notice").await?;
            assert!(
                notice.contains("单位退回修改的意见") && notice.contains(RETURN_OPINION),
                "{notice}"
            );
            assert_eq!(p.value("#course_name").await?, course);
            assert_eq!(p.value("#claimed").await?, first_claim);
            p.fill("#claimed", final_claim).await?;
            shoot_noting(&p, "10-record-edit", true, &mut notes).await?;
            p.click_to_next_page(By::Css("main form button[name=intent][value=submit]"))
                .await?;
            assert_eq!(p.path().await?, here, "{}", p.body_text().await?);
            let flash = p.flash().await?;
            assert!(flash.contains("已保存并送审"), "{flash}");
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            let facts = p.text("main .facts").await?;
            assert!(facts.contains("5.5 学时"), "{facts}");
            p.sign_out().await?;

            // 5. The school approves it with the rest of the page, in one go.
            p.sign_in("yizhong", PW).await?;
            p.act_for(YZ).await?;
            p.click_to_next_page(By::Css("#sidenav a[href='/org/records']"))
                .await?;
            assert_eq!(p.path().await?, "/org/records");
            let mine =
                p.d.find(By::Css(format!("input[name=record][value='{id}']")))
                    .await?;
            mine.click().await?;
            assert!(mine.is_selected().await?, "the record is ticked");
            p.d.find(By::Css("input[data-select-all=record]"))
                .await?
                .click()
                .await?;
            let boxes = p.d.find_all(By::Css("input[name=record]")).await?;
            for b in &boxes {
                assert!(b.is_selected().await?, "select-all ticks every waiting row");
            }
            let n = boxes.len();
            p.choose("main .bulk-bar select[name=decision]", "approve")
                .await?;
            shoot_noting(&p, "11-queue-selected", true, &mut notes).await?;
            let question = p
                .click_confirmed(By::XPath(
                    "//div[@class='bulk-bar']//button[normalize-space()='提交所选']",
                ))
                .await?;
            assert_eq!(
                question,
                "确定对所选记录提交审核结果吗？同意时按申报学时认定。"
            );
            assert_eq!(p.path().await?, "/org/records", "{}", p.body_text().await?);
            assert_eq!(p.flash().await?, format!("已同意 {n} 条记录。"));
            assert!(
                !p.rows().await?.iter().any(|r| r.contains(&course)),
                "the approved record leaves the queue"
            );
            shoot_noting(&p, "12-queue-approved", true, &mut notes).await?;

            p.click_to_next_page(By::Css("main .page-actions a[href='/org/verification']"))
                .await?;
            assert_eq!(p.path().await?, "/org/verification");
            assert_eq!(p.text("main h1").await?, format!("年度验证（{year}年度）"));
            let staff = p.rows().await?;
            assert!(staff.iter().any(|r| r.contains("张伟")), "{staff:#?}");
            shoot_noting(&p, "13-org-verification", true, &mut notes).await?;

            p.goto("/org/records").await?;
            p.click_to_next_page(By::LinkText("批量申报")).await?;
            assert_eq!(p.path().await?, "/org/records/import");
            assert_eq!(p.text("main h1").await?, "批量申报");
            assert!(p.displayed("input#file").await?);
            shoot_noting(&p, "14-import", true, &mut notes).await?;
            // A workbook with mistakes: the preview names each row's and cell's errors.
            let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/import_errors.xlsx");
            p.d.find(By::Css("input#file"))
                .await?
                .send_keys(fixture.to_string_lossy())
                .await?;
            p.submit().await?;
            assert!(
                p.path().await?.starts_with("/org/records/import/"),
                "the preview of the upload: {}",
                p.body_text().await?
            );
            shoot_noting(&p, "14b-import-preview", true, &mut notes).await?;
            p.goto("/org/records/settings").await?;
            shoot_noting(&p, "14c-review-settings", true, &mut notes).await?;
            p.sign_out().await?;

            // 6. The approved hours count in zhangwei's year.
            p.sign_in("zhangwei", PW).await?;
            p.goto("/me/verification").await?;
            let elective = tenths(&verification_cell(&p, year, "选修科目").await?)?;
            let total = tenths(&verification_cell(&p, year, "合计").await?)?;
            assert_eq!(elective, elective_before + 55, "5.5 elective hours counted");
            assert!(total >= total_before + 55, "{total} after {total_before}");
            shoot_noting(&p, "15-verification-approved", true, &mut notes).await?;

            let _ = writeln!(
                std::io::stderr(),
                "records_journey: at {} px {}",
                NARROW.0,
                if notes.is_empty() {
                    "nothing sticks out".to_owned()
                } else {
                    format!("these stick out:\n  {}", notes.join("\n  "))
                }
            );
            Ok(())
        })
        .await;
}
