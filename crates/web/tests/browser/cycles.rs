//! Cycle verification from the application up the review chain to the city HR bureau.

use super::*;

/// Why a cycle that falls short is passed anyway (a special approval needs a reason).
const SPECIAL_REASON: &str = "援疆期间学时经省厅认定，准予通过";

/// On an application's review page (/org/cycles/{id}): chooses the decision, writes the
/// opinion, submits, and checks that the queue comes back with the flash of the decision.
async fn decide_cycle(
    p: &Page,
    decision: &str,
    opinion: &str,
    person: &str,
    result: &str,
) -> anyhow::Result<()> {
    p.d.find(By::Css(format!("input[name=decision][value={decision}]")))
        .await?
        .click()
        .await?;
    p.fill("textarea#opinion", opinion).await?;
    p.click_to_next_page(By::XPath("//main//button[normalize-space()='提交审核']"))
        .await?;
    anyhow::ensure!(
        p.path().await? == "/org/cycles",
        "a decision leads back to the queue; page says: {}",
        p.body_text().await?
    );
    let flash = p.flash().await?;
    anyhow::ensure!(
        flash == format!("已审核：{person}，{result}。"),
        "flash after {decision}: {flash}"
    );
    Ok(())
}

/// Opens an application from the queue by the person's name, checks that it waits here.
async fn open_cycle(p: &Page, id: i64, person: &str, state: &str) -> anyhow::Result<()> {
    let link =
        p.d.find(By::Css(format!("table.list a[href='/org/cycles/{id}']")))
            .await
            .with_context(|| format!("application {id} in the queue"))?;
    anyhow::ensure!(link.text().await? == person, "the link names {person}");
    p.click_to_next_page(By::Css(format!("table.list a[href='/org/cycles/{id}']")))
        .await?;
    anyhow::ensure!(p.path().await? == format!("/org/cycles/{id}"));
    let badge = p.text("main h1 .badge").await?;
    anyhow::ensure!(badge == state, "the application is {state}: {badge}");
    anyhow::ensure!(
        p.d.find_all(By::Css("input[name=decision][value=approve]"))
            .await?
            .len()
            == 1,
        "this level may decide"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn cycle_journey() {
    use chrono::Datelike;

    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const ZW: &str = "张伟";
    const YZ: &str = "广州市第一中学";
    const GZJY: &str = "广州市教育局";
    const GZHR: &str = "广州市人力资源和社会保障局";
    const TARGET: &str = "中学高级教师";
    const RETURN_OPINION: &str = "请补充学时证明";
    // Today as the app reckons it (Asia/Shanghai, from the real clock); the current
    // qualification obtained six years ago. A school teacher's years stop at last year,
    // and the latest five count.
    let today = app.state.today();
    let year = today.year();
    let obtained = today
        .checked_sub_months(chrono::Months::new(6 * 12))
        .expect("six years ago");
    let years = format!("{}年—{}年", year - 5, year - 1);
    browser
        .run(&app, "cycle_journey", |p| async move {
            let mut notes = Vec::new();

            // 1. zhangwei computes his hours, then applies.
            p.goto("/login").await?;
            p.sign_in("zhangwei", PW).await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            p.click_to_next_page(By::Css("#sidenav a[href='/me/cycles']"))
                .await?;
            assert_eq!(p.path().await?, "/me/cycles");
            assert_eq!(p.text("main h1").await?, "周期验证");
            assert_eq!(
                p.text("main .empty").await?,
                "还没有周期验证申请。",
                "no application yet"
            );
            shoot_noting(&p, "01-mine-empty", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("申请周期验证")).await?;
            assert_eq!(p.path().await?, "/me/cycles/new");
            assert_eq!(p.text("main h1").await?, "周期验证申请");
            let hint = p.text("main .form-card > p.hint").await?;
            assert!(
                hint.contains("中学一级教师"),
                "the current qualification: {hint}"
            );
            p.choose("select#promotion", "senior").await?;
            p.choose("select#target_level", "fugao").await?;
            p.fill("input#target_qualification", TARGET).await?;
            p.choose("select#discipline", "social").await?;
            set_date(&p, "input#qualification_date", obtained).await?;
            shoot_noting(&p, "02-apply-filled", true, &mut notes).await?;

            p.click_to_next_page(By::Css("main form button[name=intent][value=preview]"))
                .await?;
            assert_eq!(p.path().await?, "/me/cycles/new", "the figures on the form");
            assert!(
                p.d.find_all(By::Css(".error-summary")).await?.is_empty(),
                "no errors: {}",
                p.body_text().await?
            );
            let figures = p.text("main section.table-wrap").await?;
            for label in ["学时情况（截至今天）", "验证年度", "要求学时", "结论"]
            {
                assert!(figures.contains(label), "{label} shown: {figures}");
            }
            assert!(figures.contains(&years), "the years {years}: {figures}");
            assert_eq!(
                p.d.find_all(By::Css("main section.table-wrap table.list tbody tr"))
                    .await?
                    .len(),
                5,
                "one line a year"
            );
            // The form keeps what was chosen.
            assert_eq!(p.value("#promotion").await?, "senior");
            assert_eq!(p.value("#target_level").await?, "fugao");
            assert_eq!(p.value("#target_qualification").await?, TARGET);
            assert_eq!(p.value("#discipline").await?, "social");
            assert_eq!(
                p.value("#qualification_date").await?,
                obtained.format("%Y-%m-%d").to_string()
            );
            shoot_noting(&p, "03-apply-preview", true, &mut notes).await?;

            p.click_to_next_page(By::Css("main form button[name=intent][value=submit]"))
                .await?;
            let here = p.path().await?;
            let id: i64 = here
                .strip_prefix("/me/cycles/")
                .and_then(|s| s.parse().ok())
                .with_context(|| format!("submitting leads to the application, not {here}"))?;
            let flash = p.flash().await?;
            assert!(flash.contains("已提交") && flash.contains(YZ), "{flash}");
            assert_eq!(p.text("main h1").await?, format!("{ZW}：{TARGET} 待审"));
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            let facts = p.text("main .facts").await?;
            assert!(
                facts.contains("中级晋升副高") && facts.contains(YZ),
                "{facts}"
            );
            assert_eq!(
                p.d.find_all(By::XPath("//main//button[normalize-space()='回收']"))
                    .await?
                    .len(),
                1,
                "no one has reviewed it: it may be withdrawn"
            );
            let frozen = p.text("main section.table-wrap h2").await?;
            assert_eq!(frozen, "申请时的学时情况");
            shoot_noting(&p, "04-applied", true, &mut notes).await?;
            p.sign_out().await?;

            // 2. The school's initial review: the frozen figures beside today's; 通过.
            p.sign_in("yizhong", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(YZ).await?;
            let waiting = p.todo_count("待审核的周期验证申请").await?;
            assert!(waiting.is_some_and(|n| n >= 1), "{waiting:?}");
            shoot_noting(&p, "05-yizhong-home", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("待审核的周期验证申请"))
                .await?;
            assert_eq!(p.path().await?, "/org/cycles");
            assert_eq!(p.text("main h1").await?, "周期验证审核");
            let queue = p.rows().await?;
            assert!(
                queue.iter().any(|r| r.contains(ZW)
                    && r.contains(TARGET)
                    && r.contains(&years)
                    && r.contains("待审")),
                "{queue:#?}"
            );
            shoot_noting(&p, "06-yizhong-queue", true, &mut notes).await?;

            open_cycle(&p, id, ZW, "待审").await?;
            let h2s = p.d.find_all(By::Css("main section h2")).await?;
            let mut titles = Vec::new();
            for h in &h2s {
                titles.push(h.text().await?);
            }
            assert!(titles.iter().any(|t| t == "申请时的学时情况"), "{titles:?}");
            assert!(
                titles.iter().any(|t| t == "今天的学时情况 与申请时相同"),
                "today's figures, the same as at the submission: {titles:?}"
            );
            shoot_noting(&p, "07-yizhong-review", true, &mut notes).await?;
            decide_cycle(&p, "approve", SPECIAL_REASON, ZW, "通过（特批）").await?;
            assert!(
                !p.rows().await?.iter().any(|r| r.contains(ZW)),
                "the application leaves the school's queue"
            );
            p.sign_out().await?;

            // 3. The education bureau returns it (退案) with an opinion.
            p.sign_in("gzjy", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(GZJY).await?;
            p.click_to_next_page(By::Css("#sidenav a[href='/org/cycles']"))
                .await?;
            assert_eq!(p.path().await?, "/org/cycles");
            let queue = p.rows().await?;
            assert!(
                queue
                    .iter()
                    .any(|r| r.contains(ZW) && r.contains(YZ) && r.contains("办理中")),
                "{queue:#?}"
            );
            shoot_noting(&p, "08-gzjy-queue", true, &mut notes).await?;
            open_cycle(&p, id, ZW, "办理中").await?;
            p.d.find(By::Css("input[name=decision][value=return]"))
                .await?
                .click()
                .await?;
            p.fill("textarea#opinion", RETURN_OPINION).await?;
            shoot_noting(&p, "09-gzjy-return", true, &mut notes).await?;
            decide_cycle(&p, "return", RETURN_OPINION, ZW, "退案").await?;
            p.sign_out().await?;

            // 4. zhangwei sees the opinion and sends it again.
            p.sign_in("zhangwei", PW).await?;
            p.goto("/me/cycles").await?;
            let rows = p.rows().await?;
            assert!(
                rows.len() == 1 && rows[0].contains("待审(退案)"),
                "{rows:#?}"
            );
            p.click_to_next_page(By::Css(format!("table.list a[href='{here}']")))
                .await?;
            assert_eq!(p.path().await?, here);
            assert_eq!(p.text("main h1 .badge").await?, "待审(退案)");
            let notice = p.text("main .notice").await?;
            assert!(notice.contains(RETURN_OPINION), "{notice}");
            shoot_noting(&p, "10-returned", true, &mut notes).await?;
            p.click_to_next_page(By::XPath(format!(
                "//form[@action='{here}/resubmit']//button[normalize-space()='重新送审']"
            )))
            .await?;
            assert_eq!(p.path().await?, here);
            let flash = p.flash().await?;
            assert!(flash.contains("已重新送审"), "{flash}");
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            shoot_noting(&p, "11-resubmitted", false, &mut notes).await?;
            p.sign_out().await?;

            // 5. Up the chain again: the school, the bureau.
            for (login, org, state, shot) in [
                ("yizhong", YZ, "待审", "12-yizhong-again"),
                ("gzjy", GZJY, "办理中", "13-gzjy-again"),
            ] {
                p.sign_in(login, PW).await?;
                p.act_for(org).await?;
                p.goto("/org/cycles").await?;
                open_cycle(&p, id, ZW, state).await?;
                shoot_noting(&p, shot, true, &mut notes).await?;
                decide_cycle(&p, "approve", SPECIAL_REASON, ZW, "通过（特批）").await?;
                p.sign_out().await?;
            }

            // 6. The city HR bureau approves in a batch: the last level.
            p.sign_in("gzhr", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(GZHR).await?;
            let waiting = p.todo_count("待审核的周期验证申请").await?;
            assert!(waiting.is_some_and(|n| n >= 1), "{waiting:?}");
            p.click_to_next_page(By::Css("#sidenav a[href='/org/cycles']"))
                .await?;
            assert_eq!(p.path().await?, "/org/cycles");
            let bar = p.text("main .bulk-bar").await?;
            assert!(bar.contains("全选本页"), "{bar}");
            let mine =
                p.d.find(By::Css(format!("input[name=cycle][value='{id}']")))
                    .await?;
            mine.click().await?;
            assert!(mine.is_selected().await?, "the application is ticked");
            assert_eq!(
                p.value("main .bulk-bar select[name=decision]").await?,
                "approve",
                "通过 first"
            );
            // 张伟 falls short: passing him is a special approval, with its reason.
            p.fill("main .bulk-bar input[name=opinion]", SPECIAL_REASON)
                .await?;
            shoot_noting(&p, "14-gzhr-queue-selected", true, &mut notes).await?;
            let question = p
                .click_confirmed(By::XPath(
                    "//div[@class='bulk-bar']//button[normalize-space()='提交所选']",
                ))
                .await?;
            assert_eq!(question, "确定对所选申请提交审核结果吗？");
            assert_eq!(p.path().await?, "/org/cycles", "{}", p.body_text().await?);
            let flash = p.flash().await?;
            assert!(flash.contains("已审核 1 份申请"), "{flash}");
            assert_eq!(flash, "已审核 1 份申请：通过。");
            assert!(
                !p.rows().await?.iter().any(|r| r.contains(ZW)),
                "the approved application leaves the queue"
            );
            shoot_noting(&p, "15-gzhr-queue-done", false, &mut notes).await?;
            p.sign_out().await?;

            // 7. zhangwei's application is approved, with every step in its trail.
            p.sign_in("zhangwei", PW).await?;
            p.goto("/me/cycles").await?;
            let rows = p.rows().await?;
            assert!(rows.len() == 1 && rows[0].contains("通过"), "{rows:#?}");
            assert_eq!(p.text("table.list td[data-label='状态']").await?, "通过");
            shoot_noting(&p, "16-mine-approved", false, &mut notes).await?;
            p.click_to_next_page(By::Css(format!("table.list a[href='{here}']")))
                .await?;
            assert_eq!(p.text("main h1 .badge").await?, "通过");
            let trail =
                p.d.find_all(By::XPath(
                    "//section[h2[normalize-space()='审批流程']]//tbody/tr",
                ))
                .await?;
            assert_eq!(trail.len(), 7, "申请, 3 reviews, 重新送审, 2 reviews");
            shoot_noting(&p, "17-approved", true, &mut notes).await?;

            let _ = writeln!(
                std::io::stderr(),
                "cycle_journey: at {} px {}",
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
