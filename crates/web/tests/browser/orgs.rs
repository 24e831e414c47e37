//! Organisations: registration and its review up the tree, acting for a unit, members and
//! roles, staff, and a change of supervising department.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn organisation_journey() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    let store = app.state.store.clone();
    let initial = wangfang_initial_password(&app);
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const WANGFANG_PASSWORD: &str = "Gaimi2026ok";
    const HZ3: &str = "广州市海珠区第三中学";
    const THZX: &str = "广州市天河中学";
    browser
        .run(&app, "organisation_journey", |p| async move {
            let mut notes = Vec::new();
            let wangfang = store
                .account_by_identifier("wangfang")
                .await?
                .context("demo wangfang")?;
            assert!(
                store.open_binding(wangfang.id).await?.is_none(),
                "wangfang starts unbound"
            );

            // 1. The education bureau approves the registration of a school below it.
            p.goto("/login").await?;
            p.sign_in("gzjy", PW).await?;
            assert_eq!(
                p.path().await?,
                "/act",
                "an operator chooses whom to act as; page says: {}",
                p.body_text().await?
            );
            assert_eq!(p.text("main h1").await?, "选择身份");
            let me = p.choice("本人").await?.text().await?;
            assert!(me.contains("当前身份"), "acting as oneself at first: {me}");
            let bureau = p.choice("广州市教育局").await?.text().await?;
            assert!(
                bureau.contains("主管部门") && bureau.contains("角色：管理员"),
                "the bureau with its roles: {bureau}"
            );
            assert!(bureau.contains("使用该单位账号"), "{bureau}");
            shoot_noting(&p, "01-gzjy-act", false, &mut notes).await?;

            p.act_for("广州市教育局").await?;
            let waiting = p.todo_count("待审核的单位注册").await?;
            assert!(
                waiting.is_some_and(|n| n >= 1),
                "a registration waits: {waiting:?}; page says: {}",
                p.body_text().await?
            );
            let nav = p.text("#sidenav").await?;
            assert!(
                nav.contains("单位审核") && nav.contains("下属单位"),
                "a supervisor's nav: {nav}"
            );
            shoot_noting(&p, "02-gzjy-home", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("待审核的单位注册"))
                .await?;
            assert_eq!(p.path().await?, "/org/registrations");
            assert_eq!(p.text("main h1").await?, "单位审核");
            let card = format!(
                "//section[contains(@class,'card')][h2[contains(normalize-space(),'{HZ3}')]]"
            );
            let hz3_card = p.d.find(By::XPath(card.clone())).await?.text().await?;
            assert!(hz3_card.contains("待审核"), "badge: {hz3_card}");
            assert!(hz3_card.contains("王小红"), "contact: {hz3_card}");
            shoot_noting(&p, "03-registrations", true, &mut notes).await?;

            let question = p
                .click_confirmed(By::XPath(format!(
                    "{card}//button[normalize-space()='通过']"
                )))
                .await?;
            assert_eq!(question, format!("确定通过“{HZ3}”的注册申请吗？"));
            assert_eq!(p.path().await?, "/org/registrations");
            assert_eq!(p.flash().await?, format!("已通过“{HZ3}”的注册申请。"));
            assert!(
                p.d.find_all(By::XPath(card.clone())).await?.is_empty(),
                "the approved registration leaves the list"
            );
            shoot_noting(&p, "04-registrations-approved", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("下属单位")).await?;
            assert_eq!(p.path().await?, "/org/units");
            assert_eq!(p.text("main h1").await?, "下属单位");
            let units = p.rows().await?;
            assert!(
                units
                    .iter()
                    .any(|r| r.contains(HZ3) && r.contains("已通过")),
                "{HZ3} approved: {units:#?}"
            );
            for unit in ["广州市第一中学", THZX] {
                assert!(units.iter().any(|r| r.contains(unit)), "{unit}: {units:#?}");
            }
            shoot_noting(&p, "05-units", true, &mut notes).await?;
            p.sign_out().await?;

            // 2. The school's registrant administers it now, and invites a clerk.
            p.sign_in("haizhu3", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            let school = p.choice(HZ3).await?.text().await?;
            assert!(
                school.contains("角色：管理员"),
                "the registrant is admin: {school}"
            );
            shoot_noting(&p, "06-haizhu3-act", false, &mut notes).await?;
            p.act_for(HZ3).await?;
            shoot_noting(&p, "07-haizhu3-home", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("单位用户")).await?;
            assert_eq!(p.path().await?, "/org/members");
            assert_eq!(p.text("main h1").await?, "单位用户");
            let members = p.rows().await?;
            assert_eq!(members.len(), 1, "only the registrant: {members:#?}");
            assert!(
                members[0].contains("彭丽") && members[0].contains("（本人）"),
                "{members:#?}"
            );
            shoot_noting(&p, "08-members", false, &mut notes).await?;

            p.fill("#q", "lina").await?;
            p.click_to_next_page(By::Css("form.filters button[type=submit]"))
                .await?;
            let lina = p.choice("李娜").await?;
            assert!(
                lina.text().await?.contains("lina"),
                "{}",
                lina.text().await?
            );
            for (role, ticked) in [
                ("clerk", true),
                ("admin", false),
                ("reviewer", false),
                ("leader", false),
            ] {
                let boxes = lina
                    .find_all(By::Css(format!("input[name=roles][value={role}]")))
                    .await?;
                assert_eq!(boxes.len(), 1, "a {role} box");
                assert_eq!(boxes[0].is_selected().await?, ticked, "{role} ticked");
            }
            shoot_noting(&p, "09-members-search", true, &mut notes).await?;

            p.mark().await?;
            lina.find(By::XPath(".//button[normalize-space()='发送邀请']"))
                .await?
                .click()
                .await?;
            p.wait_new_page().await?;
            assert_eq!(p.path().await?, "/org/members");
            let flash = p.flash().await?;
            assert!(
                flash.contains("已邀请 李娜（lina），角色：经办人"),
                "flash: {flash}"
            );
            let members = p.rows().await?;
            assert!(
                members
                    .iter()
                    .any(|r| r.contains("李娜") && r.contains("待接受")),
                "lina invited: {members:#?}"
            );
            shoot_noting(&p, "10-members-invited", true, &mut notes).await?;
            p.sign_out().await?;

            // 3. lina accepts the invitation and acts for the school.
            p.sign_in("lina", PW).await?;
            assert_eq!(
                p.path().await?,
                "/",
                "no active membership yet, so home: {}",
                p.body_text().await?
            );
            assert_eq!(p.todo_count("单位邀请待接受").await?, Some(2));
            shoot_noting(&p, "11-lina-home", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("单位邀请待接受"))
                .await?;
            assert_eq!(p.path().await?, "/me/organizations");
            assert_eq!(p.text("main h1").await?, "单位账号");
            for org in [HZ3, "广州市天河区人民医院"] {
                let invitation = p.choice(org).await?.text().await?;
                assert!(
                    invitation.contains("角色：经办人") && invitation.contains("接受"),
                    "{org}: {invitation}"
                );
            }
            shoot_noting(&p, "12-lina-organizations", false, &mut notes).await?;

            p.mark().await?;
            p.choice(HZ3)
                .await?
                .find(By::XPath(".//button[normalize-space()='接受']"))
                .await?
                .click()
                .await?;
            p.wait_new_page().await?;
            assert_eq!(p.path().await?, "/me/organizations");
            let flash = p.flash().await?;
            assert!(flash.contains(&format!("您已接受“{HZ3}”的邀请")), "{flash}");
            let school = p.choice(HZ3).await?.text().await?;
            assert!(
                school.contains("使用该单位账号"),
                "now a choice to act for: {school}"
            );
            assert!(
                p.choice("广州市天河区人民医院")
                    .await?
                    .text()
                    .await?
                    .contains("拒绝"),
                "the other invitation still waits"
            );
            shoot_noting(&p, "13-lina-accepted", false, &mut notes).await?;

            assert_eq!(p.text("header a.acting").await?, "本人 ▾");
            p.click_to_next_page(By::Css("header a.acting")).await?;
            assert_eq!(p.path().await?, "/act");
            shoot_noting(&p, "14-lina-act", false, &mut notes).await?;
            p.act_for(HZ3).await?;
            let todo = p.text(".home-grid .card").await?;
            assert!(todo.contains("暂无待办事项"), "nothing waits yet: {todo}");
            let nav = p.text("#sidenav").await?;
            assert!(
                nav.contains("人员管理") && !nav.contains("单位用户"),
                "a clerk's nav: {nav}"
            );
            shoot_noting(&p, "15-lina-home-school", false, &mut notes).await?;
            p.sign_out().await?;

            // 4. wangfang changes her initial password, fills her profile and asks to
            // be bound to the school.
            p.sign_in("wangfang", &initial).await?;
            assert_eq!(p.path().await?, "/account/password");
            p.fill("#current", &initial).await?;
            p.fill("#new", WANGFANG_PASSWORD).await?;
            p.fill("#new2", WANGFANG_PASSWORD).await?;
            p.submit().await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            assert!(p.flash().await?.contains("密码已修改"));
            assert_eq!(p.todo_count("尚未绑定工作单位").await?, Some(1));
            shoot_noting(&p, "16-wangfang-home", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("个人资料")).await?;
            assert_eq!(p.path().await?, "/me/profile");
            assert_eq!(p.text("main h1").await?, "个人资料");
            let facts = p.text("main .facts").await?;
            assert!(
                facts.contains("王芳") && facts.contains("4401"),
                "identity from the account, masked: {facts}"
            );
            shoot_noting(&p, "17-profile", true, &mut notes).await?;

            p.fill("#ethnicity", "汉族").await?;
            p.fill("#native_place", "广东潮州").await?;
            p.fill("#address", "广州市海珠区江南大道中100号").await?;
            p.fill("#postal_code", "510220").await?;
            p.choose("#education_code", "benke").await?;
            p.choose("#degree", "学士").await?;
            p.fill("#school", "华南师范大学").await?;
            p.fill("#major", "汉语言文学").await?;
            p.choose("#series_code", "zhongxiaoxue").await?;
            p.fill("#specialty", "语文").await?;
            p.fill("#qualification", "中学一级教师").await?;
            p.choose("#level_code", "zhongji").await?;
            p.click_to_next_page(By::XPath("//main//form//button[normalize-space()='保存']"))
                .await?;
            assert_eq!(p.path().await?, "/me/profile", "{}", p.body_text().await?);
            assert_eq!(p.flash().await?, "个人资料已保存。");
            assert_eq!(p.value("#native_place").await?, "广东潮州");
            assert_eq!(p.value("#education_code").await?, "benke");
            assert_eq!(p.value("#level_code").await?, "zhongji");
            assert_eq!(p.value("#qualification").await?, "中学一级教师");
            shoot_noting(&p, "18-profile-saved", true, &mut notes).await?;

            p.click_to_next_page(By::LinkText("工作单位")).await?;
            assert_eq!(p.path().await?, "/me/employment");
            let current = p.text("main .card").await?;
            assert!(current.contains("您还没有绑定工作单位"), "{current}");
            shoot_noting(&p, "19-employment-unbound", false, &mut notes).await?;

            p.fill("#q", "海珠区第三中学").await?;
            p.click_to_next_page(By::Css("form.filters button[type=submit]"))
                .await?;
            let found = p.choice(HZ3).await?.text().await?;
            assert!(found.contains("申请绑定"), "{found}");
            shoot_noting(&p, "20-employment-search", false, &mut notes).await?;

            let question = p
                .click_confirmed(By::XPath(format!(
                    "//ul[@class='choices']/li[.//div[@class='who-org'][normalize-space()='{HZ3}']]\
                     //button[normalize-space()='申请绑定']"
                )))
                .await?;
            assert_eq!(question, format!("确定申请绑定到“{HZ3}”吗？"));
            assert_eq!(p.path().await?, "/me/employment");
            let flash = p.flash().await?;
            assert!(
                flash.contains(&format!("已向“{HZ3}”提交绑定申请")),
                "{flash}"
            );
            let current = p.text("main .card").await?;
            assert!(
                current.contains(HZ3) && current.contains("待确认"),
                "waiting: {current}"
            );
            assert!(current.contains("撤回申请"), "{current}");
            shoot_noting(&p, "21-employment-waiting", false, &mut notes).await?;
            p.sign_out().await?;

            // 5. lina, for the school, confirms her.
            p.sign_in("lina", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(HZ3).await?;
            assert_eq!(p.todo_count("待确认的绑定申请").await?, Some(1));
            shoot_noting(&p, "22-lina-home-todo", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("待确认的绑定申请"))
                .await?;
            assert_eq!(p.path().await?, "/org/staff");
            assert_eq!(p.text("main h1").await?, "人员管理");
            let staff = p.rows().await?;
            assert_eq!(staff.len(), 1, "{staff:#?}");
            assert!(
                staff[0].contains("王芳") && staff[0].contains("待确认"),
                "{staff:#?}"
            );
            assert!(staff[0].contains("中小学教师"), "her profile: {staff:#?}");
            shoot_noting(&p, "23-staff-waiting", true, &mut notes).await?;

            // On a phone the list is a stack of cards: no header row, one block per person.
            p.resize(NARROW).await?;
            let layout = p
                .js(
                    "return [getComputedStyle(document.querySelector('table.list thead')).display, \
                     getComputedStyle(document.querySelector('table.list tbody tr')).display, \
                     document.documentElement.scrollWidth, document.documentElement.clientWidth];",
                )
                .await?;
            assert_eq!(layout[0], "none", "no header row at 375 px: {layout}");
            assert_eq!(layout[1], "block", "rows are cards at 375 px: {layout}");
            assert!(
                layout[2].as_u64() <= layout[3].as_u64(),
                "the staff list fits 375 px: {layout}"
            );
            p.resize(WIDE).await?;

            p.d.find(By::Css("input[name=binding][aria-label=选择王芳]"))
                .await?
                .click()
                .await?;
            p.click_to_next_page(By::XPath("//button[normalize-space()='确认所选']"))
                .await?;
            assert_eq!(p.flash().await?, "已确认 1 人。");
            assert!(
                p.body_text().await?.contains("没有符合条件的人员"),
                "nobody waits any more"
            );
            shoot_noting(&p, "24-staff-confirmed", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("人员管理")).await?;
            assert_eq!(p.path().await?, "/org/staff");
            let staff = p.rows().await?;
            assert!(
                staff.len() == 1 && staff[0].contains("王芳") && staff[0].contains("已确认"),
                "{staff:#?}"
            );
            shoot_noting(&p, "25-staff", true, &mut notes).await?;
            p.sign_out().await?;

            // 6. wangfang asks to transfer; the other school accepts her.
            p.sign_in("wangfang", WANGFANG_PASSWORD).await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            p.click_to_next_page(By::LinkText("工作单位")).await?;
            let current = p.text("main .card").await?;
            assert!(
                current.contains(HZ3) && current.contains("已确认"),
                "confirmed: {current}"
            );
            assert!(
                p.text("main").await?.contains("办理调动：查找调入单位"),
                "transfer offered"
            );
            shoot_noting(&p, "26-employment-confirmed", false, &mut notes).await?;

            p.fill("#q", "天河中学").await?;
            p.click_to_next_page(By::Css("form.filters button[type=submit]"))
                .await?;
            let target = p.choice(THZX).await?;
            let reason = target.find(By::Css("input[name=reason]")).await?;
            reason.send_keys("工作调动到天河区").await?;
            shoot_noting(&p, "27-transfer-filled", false, &mut notes).await?;
            p.mark().await?;
            p.choice(THZX)
                .await?
                .find(By::XPath(".//button[normalize-space()='申请调入']"))
                .await?
                .click()
                .await?;
            p.wait_new_page().await?;
            assert_eq!(p.path().await?, "/me/employment");
            let flash = p.flash().await?;
            assert!(
                flash.contains(&format!("等待“{THZX}”接收")) && flash.contains(HZ3),
                "{flash}"
            );
            let notice = p.text("p.notice").await?;
            assert!(notice.contains(THZX), "{notice}");
            let history = p.rows().await?;
            assert!(
                history
                    .iter()
                    .any(|r| r.contains(&format!("{HZ3} → {THZX}"))
                        && r.contains("待接收")
                        && r.contains("工作调动到天河区")),
                "{history:#?}"
            );
            shoot_noting(&p, "28-transfer-requested", true, &mut notes).await?;
            p.sign_out().await?;

            p.sign_in("thzx", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(THZX).await?;
            let transfers = p.todo_count("待接收的调入申请").await?;
            assert!(transfers.is_some_and(|n| n >= 1), "{transfers:?}");
            shoot_noting(&p, "29-thzx-home", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("调入申请")).await?;
            assert_eq!(p.path().await?, "/org/transfers");
            assert_eq!(p.text("main h1").await?, "调入申请");
            let card =
                "//section[contains(@class,'card')][h2[starts-with(normalize-space(),'王芳')]]";
            let request = p.d.find(By::XPath(card)).await?.text().await?;
            assert!(
                request.contains(HZ3) && request.contains("工作调动到天河区"),
                "{request}"
            );
            shoot_noting(&p, "30-transfers", true, &mut notes).await?;

            let question = p
                .click_confirmed(By::XPath(format!(
                    "{card}//button[normalize-space()='接收']"
                )))
                .await?;
            assert!(
                question.contains("王芳") && question.contains("确定接收吗"),
                "{question}"
            );
            assert_eq!(p.path().await?, "/org/transfers");
            assert_eq!(
                p.flash().await?,
                format!("已接收 王芳，其原单位“{HZ3}”的绑定已结束。")
            );
            assert!(p.d.find_all(By::XPath(card)).await?.is_empty());
            shoot_noting(&p, "31-transfer-accepted", false, &mut notes).await?;
            p.sign_out().await?;

            p.sign_in("wangfang", WANGFANG_PASSWORD).await?;
            p.goto("/me/employment").await?;
            let current = p.text("main .card").await?;
            assert!(
                current.contains(THZX) && current.contains("已确认"),
                "now at the other school: {current}"
            );
            let history = p.rows().await?;
            assert!(
                history
                    .iter()
                    .any(|r| r.contains(&format!("{HZ3} → {THZX}")) && r.contains("已接收")),
                "{history:#?}"
            );
            assert!(
                history
                    .iter()
                    .any(|r| r.starts_with(HZ3) && r.contains("已解除")),
                "the old unit in the history: {history:#?}"
            );
            shoot_noting(&p, "32-employment-transferred", true, &mut notes).await?;

            // 7. At 375 px: the staff list as cards, and the choice of identity while
            // acting for an organisation.
            p.sign_out().await?;
            p.sign_in("thzx", PW).await?;
            assert_eq!(p.path().await?, "/act");
            p.act_for(THZX).await?;
            p.goto("/org/staff?state=confirmed").await?;
            let staff = p.rows().await?;
            assert!(
                staff
                    .iter()
                    .any(|r| r.contains("王芳") && r.contains(THZX) && r.contains("已确认")),
                "wangfang on the staff list: {staff:#?}"
            );
            p.resize(NARROW).await?;
            let cards = p
                .js("var tr = document.querySelector('table.list tbody tr'); \
                     return [getComputedStyle(tr).display, tr.getBoundingClientRect().width, \
                     window.innerWidth];")
                .await?;
            assert_eq!(cards[0], "block", "a card per person at 375 px: {cards}");
            assert!(
                cards[1].as_f64() < cards[2].as_f64(),
                "the card fits the screen: {cards}"
            );
            shoot_noting(&p, "33-staff-cards", true, &mut notes).await?;
            p.goto("/act").await?;
            let school = p.choice(THZX).await?.text().await?;
            assert!(
                school.contains("当前身份"),
                "acting for the school: {school}"
            );
            let me = p.choice("本人").await?.text().await?;
            assert!(me.contains("以本人身份"), "back to oneself offered: {me}");
            shoot_noting(&p, "34-act-acting", false, &mut notes).await?;

            let _ = writeln!(
                std::io::stderr(),
                "organisation_journey: at {} px {}",
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

/// Picks the option of a select whose text is `text`; returns its value.
async fn choose_text(p: &Page, select_id: &str, text: &str) -> anyhow::Result<String> {
    let option =
        p.d.find(By::XPath(format!(
            "//select[@id='{select_id}']/option[normalize-space()='{text}']"
        )))
        .await
        .with_context(|| format!("no option {text} in #{select_id}"))?;
    let value = option.value().await?.unwrap_or_default();
    p.choose(&format!("#{select_id}"), &value).await?;
    Ok(value)
}

#[tokio::test(flavor = "multi_thread")]
async fn supervisor_change_and_department_registration() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    let store = app.state.store.clone();
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const RJ: &str = "广州天河软件科技有限公司";
    const THHR: &str = "广州市天河区人力资源和社会保障局";
    const GZJY: &str = "广州市教育局";
    const GZHR: &str = "广州市人力资源和社会保障局";
    const REASON: &str = "公司转型为教育信息化企业，业务归口教育局";
    const DEPT: &str = "广州市交通运输局";
    browser
        .run(
            &app,
            "supervisor_change_and_department_registration",
            |p| async move {
                let mut notes = Vec::new();
                let rj = org_id(&store, RJ).await?;
                let gzjy = org_id(&store, GZJY).await?;
                // Someone on the software company's staff, not yet visible to the bureau.
                let rj_staff = store
                    .staff(&store::bindings::StaffFilter {
                        within: rj,
                        state: Some(domain::binding::BindingState::Confirmed),
                        per_page: 50,
                        ..Default::default()
                    })
                    .await?
                    .items;
                let person = rj_staff
                    .first()
                    .context("the software company has confirmed staff")?
                    .real_name
                    .clone();
                let seen_by_bureau = store
                    .staff(&store::bindings::StaffFilter {
                        within: gzjy,
                        name: Some(person.clone()),
                        per_page: 50,
                        ..Default::default()
                    })
                    .await?
                    .items;
                assert!(
                    seen_by_bureau.iter().all(|r| r.unit_id != rj),
                    "the bureau does not see {RJ} before: {seen_by_bureau:#?}"
                );
                let (_, _, units_before) = store.org_todo_counts(gzjy).await?;

                // 1. The software company asks to move under the education bureau.
                p.goto("/login").await?;
                shoot_noting(&p, "01-login", false, &mut notes).await?;
                p.sign_in("ruanjian", PW).await?;
                assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
                shoot_noting(&p, "02-ruanjian-act", false, &mut notes).await?;
                p.act_for(RJ).await?;
                shoot_noting(&p, "03-ruanjian-home", false, &mut notes).await?;

                p.click_to_next_page(By::LinkText("单位信息")).await?;
                assert_eq!(p.path().await?, "/org/info");
                assert_eq!(p.text("main h1").await?, "单位信息");
                let facts = p.text("main .facts").await?;
                assert!(
                    facts.contains(RJ) && facts.contains(THHR),
                    "the unit and its supervisor: {facts}"
                );
                let main = p.text("main").await?;
                assert!(main.contains("变更主管部门"), "{main}");
                assert!(main.contains("变更须经新的主管部门审核同意"), "{main}");
                shoot_noting(&p, "04-info", true, &mut notes).await?;

                choose_text(&p, "parent_id", GZJY).await?;
                p.fill("#move_reason", REASON).await?;
                shoot_noting(&p, "05-info-move-filled", true, &mut notes).await?;
                let question = p
                    .click_confirmed(By::XPath(
                        "//form[@action='/org/info/supervisor']//button[@type='submit']",
                    ))
                    .await?;
                assert_eq!(question, "确定申请变更主管部门吗？");
                assert_eq!(p.path().await?, "/org/info", "{}", p.body_text().await?);
                let flash = p.flash().await?;
                assert!(
                    flash.contains(&format!("等待“{GZJY}”审核")),
                    "flash after the request: {flash}"
                );
                let notice = p.text("main p.notice").await?;
                assert!(
                    notice.contains(&format!("已申请变更主管部门为“{GZJY}”"))
                        && notice.contains(REASON),
                    "{notice}"
                );
                assert!(
                    p.d.find_all(By::Css("form[action='/org/info/supervisor']"))
                        .await?
                        .is_empty(),
                    "no second request while one waits"
                );
                assert!(
                    p.text("main .facts").await?.contains(THHR),
                    "the supervisor stays until the bureau agrees"
                );
                shoot_noting(&p, "06-info-move-requested", true, &mut notes).await?;
                p.sign_out().await?;

                // 2. The education bureau agrees; the company's staff become its staff.
                p.sign_in("gzjy", PW).await?;
                assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
                p.act_for(GZJY).await?;
                let waiting = p.todo_count("待审核的单位注册").await?;
                assert_eq!(
                    waiting,
                    Some(units_before + 1),
                    "the move request counts as a registration to review"
                );
                shoot_noting(&p, "07-gzjy-home", false, &mut notes).await?;

                p.click_to_next_page(By::PartialLinkText("待审核的单位注册"))
                    .await?;
                assert_eq!(p.path().await?, "/org/registrations");
                assert_eq!(p.text("main h1").await?, "单位审核");
                let main = p.text("main").await?;
                assert!(main.contains("变更主管部门申请"), "{main}");
                let card = format!(
                    "//section[contains(@class,'card')][h2[starts-with(normalize-space(),'{RJ}')]]"
                );
                let request = p.d.find(By::XPath(card.clone())).await?.text().await?;
                assert!(
                    request.contains(THHR) && request.contains(REASON),
                    "the former supervisor and the reason: {request}"
                );
                shoot_noting(&p, "08-registrations-move", true, &mut notes).await?;

                let question = p
                    .click_confirmed(By::XPath(format!(
                        "{card}//button[normalize-space()='同意']"
                    )))
                    .await?;
                assert!(
                    question.contains(RJ) && question.contains("确定同意吗"),
                    "{question}"
                );
                assert_eq!(p.path().await?, "/org/registrations");
                let flash = p.flash().await?;
                assert!(flash.contains("已同意"), "{flash}");
                assert_eq!(flash, format!("已同意“{RJ}”变更到本单位之下。"));
                assert!(
                    p.d.find_all(By::XPath(card)).await?.is_empty(),
                    "the agreed request leaves the list"
                );
                shoot_noting(&p, "09-registrations-move-agreed", false, &mut notes).await?;

                p.click_to_next_page(By::LinkText("人员查询")).await?;
                assert_eq!(p.path().await?, "/org/staff");
                p.fill("#name", &person).await?;
                p.click_to_next_page(By::Css("form.filters button[type=submit]"))
                    .await?;
                let staff = p.rows().await?;
                assert!(
                    staff.iter().any(|r| r.contains(&person) && r.contains(RJ)),
                    "{person} of {RJ} on the bureau's staff list: {staff:#?}"
                );
                shoot_noting(&p, "10-gzjy-staff", true, &mut notes).await?;

                p.click_to_next_page(By::LinkText("下属单位")).await?;
                assert_eq!(p.path().await?, "/org/units");
                let units = p.rows().await?;
                assert!(
                    units.iter().any(|r| r.contains(RJ)),
                    "{RJ} among the bureau's units: {units:#?}"
                );
                shoot_noting(&p, "11-gzjy-units", true, &mut notes).await?;
                p.sign_out().await?;

                // 3. zhangwei registers a department under the city HR bureau.
                p.sign_in("zhangwei", PW).await?;
                assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
                p.click_to_next_page(By::LinkText("单位注册")).await?;
                assert_eq!(p.path().await?, "/organizations/register");
                assert_eq!(p.text("main h1").await?, "单位注册");
                shoot_noting(&p, "12-register-org", true, &mut notes).await?;

                let body = "76543210";
                let org_check = domain::org_code::organization_code_check_char(body)
                    .context("organisation code check")?;
                let first17 = format!("12440104{body}{org_check}");
                let check = domain::org_code::credit_code_check_char(&first17)
                    .context("credit code check")?;
                let code = format!("{first17}{check}");

                p.choose("#kind", "department").await?;
                p.fill("#name", DEPT).await?;
                p.choose("#id_kind", "credit_code").await?;
                p.fill("#id_code", &code).await?;
                p.choose("#city", "440100").await?;
                p.wait_js(
                    "the districts of 广州市",
                    "document.querySelector('#district option[value=\"440104\"]')",
                )
                .await?;
                p.choose("#district", "440104").await?;
                p.choose("#level", "city").await?;
                p.wait_js(
                    "the supervisors of 广州市",
                    &format!(
                        "Array.from(document.querySelectorAll('#parent_id option'))\
                         .some(function (o) {{ return o.textContent.trim() === '{GZHR}'; }})"
                    ),
                )
                .await?;
                choose_text(&p, "parent_id", GZHR).await?;
                p.fill("#address", "广州市越秀区中山一路100号").await?;
                p.fill("#legal_rep", "陈交通").await?;
                p.fill("#contact_name", "张伟").await?;
                p.fill("#contact_phone", "020-83330000").await?;
                shoot_noting(&p, "13-register-org-filled", true, &mut notes).await?;
                p.submit().await?;

                assert_eq!(
                    p.path().await?,
                    "/organizations/register",
                    "{}",
                    p.body_text().await?
                );
                assert!(
                    p.d.find_all(By::Css(".error-summary")).await?.is_empty(),
                    "no errors: {}",
                    p.body_text().await?
                );
                let flash = p.flash().await?;
                assert!(
                    flash.contains(DEPT) && flash.contains(&format!("等待“{GZHR}”审核")),
                    "{flash}"
                );
                let mine = p.text("main section.card").await?;
                assert!(mine.contains("我提交的注册申请"), "{mine}");
                let rows = p.rows().await?;
                assert!(
                    rows.iter().any(|r| r.contains(DEPT)
                        && r.contains("主管部门")
                        && r.contains("待审核")),
                    "{rows:#?}"
                );
                shoot_noting(&p, "14-register-org-submitted", true, &mut notes).await?;

                let saved = store
                    .organization_by_identifier(&code)
                    .await?
                    .context("the department is stored")?;
                assert_eq!(saved.name, DEPT);
                assert_eq!(saved.status, domain::org::OrgStatus::Applied);
                assert_eq!(saved.kind, domain::org::OrgKind::Department);

                let _ = writeln!(
                    std::io::stderr(),
                    "supervisor_change_and_department_registration: at {} px {}",
                    NARROW.0,
                    if notes.is_empty() {
                        "nothing sticks out".to_owned()
                    } else {
                        format!("these stick out:\n  {}", notes.join("\n  "))
                    }
                );
                Ok(())
            },
        )
        .await;
}
