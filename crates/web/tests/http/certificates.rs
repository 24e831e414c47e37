//! Certificates: a person issues the certificate of a past year, anyone checks it by its code
//! on a public page that shows only masked facts, and a regenerated certificate supersedes the
//! old one.

use crate::on_both_engines;
use crate::orgs::signed_in;
#[allow(unused_imports)]
use crate::support::*;

on_both_engines!(
    a_year_certificate_is_issued_verified_and_superseded,
    |app| {
        with_demo(&app).await;
        let mut person = signed_in(&app, "zhangwei").await;
        let page = person.get("/me/certificates").await;
        page.assert_contains("生成证书");
        let r = person
            .post("/me/certificates/year", &[("year", "2025")])
            .await;
        let first = app
            .state
            .store
            .certificates_of(crate::orgs::account_id(&app, "zhangwei").await)
            .await
            .unwrap();
        assert_eq!(first.len(), 1);
        let cert = first[0].clone();
        r.assert_redirect(&format!("/me/certificates/{}", cert.id));
        assert!(cert.number.starts_with("JXND2025"), "{}", cert.number);
        let shown = person.get(&format!("/me/certificates/{}", cert.id)).await;
        for text in [
            "继续教育证书",
            "张伟",
            "1101**********2711",
            "<td data-label=\"公需科目\">30.0</td>",
            "<td data-label=\"专业科目\">42.0</td>",
            "<td data-label=\"选修科目\">18.0</td>",
            "<td data-label=\"合计\">90.0</td>",
            "达标",
        ] {
            shown.assert_contains(text);
        }
        shown.assert_contains(&cert.code);

        // Anyone checks it by its code: masked facts, valid.
        let mut anyone = Client::new(&app);
        let public = anyone.get(&format!("/verify/{}", cert.code)).await;
        assert_eq!(public.status, 200);
        public.assert_contains("张*");
        public.assert_contains("有效");
        public.assert_contains(&cert.number);
        public.assert_lacks("张伟");
        public.assert_lacks("110101199003072711");
        // The code as typed from paper: lower case, spaces.
        anyone.get("/verify").await;
        let typed = format!("{} {}", &cert.code[..6].to_lowercase(), &cert.code[6..]);
        anyone
            .post("/verify", &[("code", &typed)])
            .await
            .assert_redirect(&format!("/verify/{}", cert.code));

        // Forged, unknown or malformed codes: the same answer, nothing revealed.
        for code in [
            "AAAAAAAAAAAA",
            "34679ACDEFGH",
            "not-a-code",
            "%27%20OR%201%3D1",
        ] {
            let r = anyone.get(&format!("/verify/{code}")).await;
            assert_eq!(r.status, 404, "{code}");
            r.assert_contains("未找到该证书");
        }

        // Regenerated from the page that showed it: a new number, the old one superseded and
        // said so publicly. A page that showed no certificate (another tab) changes nothing.
        person.get("/me/certificates").await;
        person
            .post("/me/certificates/year", &[("year", "2025")])
            .await;
        person
            .get("/me/certificates")
            .await
            .assert_contains("本次操作未执行");
        person
            .post(
                "/me/certificates/year",
                &[("year", "2025"), ("replaces", &cert.id.to_string())],
            )
            .await;
        let all = app
            .state
            .store
            .certificates_of(cert.account_id)
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        let (new, old) = (&all[0], &all[1]);
        assert_ne!(new.number, old.number);
        assert_eq!(
            (new.state.code(), old.state.code()),
            ("valid", "superseded")
        );
        assert_eq!(old.superseded_by, Some(new.id));
        anyone
            .get(&format!("/verify/{}", old.code))
            .await
            .assert_contains("已作废（已被新证书取代）");
        // This year has not ended: no certificate for it.
        person
            .post("/me/certificates/year", &[("year", "2026")])
            .await;
        person
            .get("/me/certificates")
            .await
            .assert_contains("年度尚未结束");
        // Someone else's certificate is not theirs to open.
        let mut other = signed_in(&app, "demo05").await;
        assert_eq!(
            other
                .get(&format!("/me/certificates/{}", new.id))
                .await
                .status,
            404
        );
    }
);

/// Text of a PDF as pdftotext extracts it (poppler-utils, installed by .ci/run).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().expect("path"), "-"])
        .output()
        .expect("pdftotext (Debian poppler-utils) runs");
    assert!(out.status.success(), "pdftotext: {out:?}");
    // pdftotext puts spaces between Chinese and Latin runs and lays out columns with them.
    String::from_utf8(out.stdout)
        .expect("utf-8 text")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Waits for the background worker (kicked by the request) to finish a job.
async fn finished(app: &TestApp, id: i64) {
    for _ in 0..600 {
        jxjy_web::jobs::drain(&app.state).await;
        let job = app.state.store.job(id).await.unwrap().expect("the job");
        if matches!(job.state.code(), "done" | "failed") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("job {id} did not finish in a minute");
}

/// The first page rendered to PNG at `dpi` (pdftoppm), with its size in pixels.
fn pdf_png(pdf: &[u8], dpi: u32) -> image::GrayImage {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = dir.path().join("page");
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", &dpi.to_string(), "-singlefile"])
        .arg(&path)
        .arg(&out)
        .status()
        .expect("pdftoppm (Debian poppler-utils) runs");
    assert!(status.success());
    let png = dir.path().join("page.png");
    if let Ok(keep) = std::env::var("JXJY_KEEP_PDF_PNG") {
        std::fs::copy(&png, keep).expect("keep the rendering");
    }
    image::open(&png).expect("a PNG").to_luma8()
}

/// What the QR codes of an image say.
fn qr_texts(img: &image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(img.clone());
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

on_both_engines!(
    a_certificate_prints_as_a_landscape_pdf_whose_qr_code_verifies_it,
    |app| {
        with_demo(&app).await;
        let mut person = signed_in(&app, "zhangwei").await;
        person.get("/me/certificates").await;
        person
            .post("/me/certificates/year", &[("year", "2025")])
            .await;
        let account = crate::orgs::account_id(&app, "zhangwei").await;
        let cert = app.state.store.certificates_of(account).await.unwrap()[0].clone();
        let shown = person.get(&format!("/me/certificates/{}", cert.id)).await;
        shown.assert_contains(&format!("/me/certificates/{}/pdf", cert.id));

        let r = person
            .get(&format!("/me/certificates/{}/pdf", cert.id))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.headers["content-type"], "application/pdf");
        let pdf = person
            .get_bytes(&format!("/me/certificates/{}/pdf", cert.id))
            .await;
        assert!(pdf.starts_with(b"%PDF-"), "a PDF");
        let text = pdf_text(&pdf);
        for wanted in [
            "专业技术人员继续教育证书",
            "张伟",
            "1101**********2711",
            "广州市第一中学",
            "2025年度",
            "30.0",
            "42.0",
            "18.0",
            "90.0",
            "达标",
            &cert.number,
            &cert.code,
        ] {
            assert!(text.contains(wanted), "the PDF shows {wanted}:\n{text}");
        }
        assert!(!text.contains("110101199003072711"), "the number is masked");
        // Landscape A4: 297 × 210 mm is 842 × 595 points.
        let page = pdf_png(&pdf, 72);
        assert!(
            (841..=843).contains(&page.width()) && (594..=596).contains(&page.height()),
            "landscape A4, got {}×{}",
            page.width(),
            page.height()
        );
        // The QR code on the paper leads to the public page of this very certificate.
        let page = pdf_png(&pdf, 150);
        let url = format!("http://127.0.0.1:8080/verify/{}", cert.code);
        assert_eq!(qr_texts(&page), vec![url.clone()]);
        let mut anyone = Client::new(&app);
        let public = anyone
            .get(url.trim_start_matches("http://127.0.0.1:8080"))
            .await;
        public.assert_contains("有效");
        public.assert_contains(&cert.number);

        // Someone else cannot print it; a superseded one is not printed any more.
        let mut other = signed_in(&app, "demo05").await;
        assert_eq!(
            other
                .get(&format!("/me/certificates/{}/pdf", cert.id))
                .await
                .status,
            404
        );
        person.get("/me/certificates").await;
        person
            .post(
                "/me/certificates/year",
                &[("year", "2025"), ("replaces", &cert.id.to_string())],
            )
            .await;
        let old = person
            .get(&format!("/me/certificates/{}/pdf", cert.id))
            .await;
        assert_eq!(old.status, 410);
        old.assert_contains("已作废");
    }
);

on_both_engines!(
    without_the_fonts_printing_says_which_package_is_missing,
    |app| {
        with_demo(&app).await;
        let mut state = app.state.clone();
        state.printer = jxjy_web::print::Printer::new("/nonexistent/fonts".into());
        let router = jxjy_web::router(state);
        let mut person = signed_in(&app, "zhangwei").await;
        person.get("/me/certificates").await;
        person
            .post("/me/certificates/year", &[("year", "2025")])
            .await;
        let account = crate::orgs::account_id(&app, "zhangwei").await;
        let cert = app.state.store.certificates_of(account).await.unwrap()[0].clone();
        let r = person
            .switched_to(router)
            .get(&format!("/me/certificates/{}/pdf", cert.id))
            .await;
        assert_eq!(r.status, 503);
        r.assert_contains("fonts-noto-cjk");
        r.assert_contains("证书字体未安装");
    }
);

/// A unit's certificate page for 2025, acting for 广州市第一中学.
async fn unit_clerk(app: &TestApp) -> (Client, i64) {
    let yz = crate::orgs::org_named(app, "广州市第一中学").await.id;
    (crate::orgs::acting(app, "yizhong", yz).await, yz)
}

/// The mark of a certificate that printed other figures than today's.
const STALE: &str = "<span class=\"badge badge-warn\">学时有变化</span>";

fn key(n: u8) -> String {
    format!("{n:02x}").repeat(16)
}

on_both_engines!(
    a_unit_prints_recounts_and_regenerates_its_staffs_certificates,
    |app| {
        with_demo(&app).await;
        let (mut unit, yz) = unit_clerk(&app).await;
        let zhangwei = crate::orgs::account_id(&app, "zhangwei").await;
        let page = unit.get("/org/certificates?year=2025").await;
        page.assert_contains("继续教育证书打印（2025年度）");
        page.assert_contains("张伟");
        page.assert_contains("1101**********2711");
        page.assert_contains("批量打印2025年度证书");
        // This year has not ended: the page falls back to last year.
        unit.get("/org/certificates?year=2026")
            .await
            .assert_contains("（2025年度）");

        // 打印: issued on first print, then the same certificate every time.
        let z = zhangwei.to_string();
        let r = unit
            .post(
                "/org/certificates/print",
                &[("account", &z), ("year", "2025"), ("form_key", &key(1))],
            )
            .await;
        let first = app
            .state
            .store
            .valid_certificate(
                zhangwei,
                domain::certificate::CertificateKind::Year,
                Some(2025),
                None,
            )
            .await
            .unwrap()
            .expect("issued by the first print");
        r.assert_redirect(&format!("/org/certificates/{}/pdf", first.id));
        assert_eq!(first.unit_id, yz);
        unit.get("/org/certificates?year=2025").await;
        unit.post(
            "/org/certificates/print",
            &[("account", &z), ("year", "2025"), ("form_key", &key(2))],
        )
        .await
        .assert_redirect(&format!("/org/certificates/{}/pdf", first.id));
        let pdf = unit
            .get_bytes(&format!("/org/certificates/{}/pdf", first.id))
            .await;
        assert!(pdf_text(&pdf).contains(&first.number));

        // 重新统计 with nothing changed: nothing to do.
        unit.get("/org/certificates?year=2025").await;
        unit.post(
            "/org/certificates/recount",
            &[
                ("account", &z),
                ("year", "2025"),
                ("form_key", &key(3)),
                ("replaces", &first.id.to_string()),
            ],
        )
        .await;
        unit.get("/org/certificates?year=2025")
            .await
            .assert_contains("无需更新");
        assert_eq!(
            app.state
                .store
                .certificates_of(zhangwei)
                .await
                .unwrap()
                .len(),
            1
        );

        // A 2025 record approved after printing: the list marks it, the recount keeps the number.
        crate::records::record_in_year(&app, zhangwei, yz, 2025, "elective", 60).await;
        let page = unit.get("/org/certificates?year=2025").await;
        page.assert_contains(STALE);
        page.assert_contains("96.0");
        let seen = first.id.to_string();
        let k4 = key(4);
        let recount = [
            ("account", z.as_str()),
            ("year", "2025"),
            ("form_key", k4.as_str()),
            ("replaces", seen.as_str()),
        ];
        unit.post("/org/certificates/recount", &recount).await;
        // The same form again (a double click): one recount only.
        unit.post("/org/certificates/recount", &recount).await;
        let all = app.state.store.certificates_of(zhangwei).await.unwrap();
        assert_eq!(all.len(), 2, "one recount for two clicks");
        let (recounted, old) = (&all[0], &all[1]);
        assert_eq!(recounted.number, first.number);
        assert_eq!((recounted.revision, old.revision), (2, 1));
        assert_eq!(
            (recounted.state.code(), old.state.code()),
            ("valid", "superseded")
        );
        assert_ne!(recounted.code, old.code);
        let page = unit.get("/org/certificates?year=2025").await;
        page.assert_contains("已重新统计张伟的2025年度学时：合计 96.0 学时");
        page.assert_contains(&format!("{}-2", first.number));
        page.assert_lacks(STALE);
        let pdf = unit
            .get_bytes(&format!("/org/certificates/{}/pdf", recounted.id))
            .await;
        let text = pdf_text(&pdf);
        assert!(text.contains("96.0") && text.contains(&format!("{}-2", first.number)));
        let mut anyone = Client::new(&app);
        anyone
            .get(&format!("/verify/{}", old.code))
            .await
            .assert_contains("已作废");

        // A page still showing the first revision regenerates nothing.
        unit.post(
            "/org/certificates/regenerate",
            &[
                ("account", &z),
                ("year", "2025"),
                ("form_key", &key(8)),
                ("replaces", &first.id.to_string()),
            ],
        )
        .await;
        unit.get("/org/certificates?year=2025")
            .await
            .assert_contains("本次操作未执行");
        assert_eq!(
            app.state
                .store
                .certificates_of(zhangwei)
                .await
                .unwrap()
                .len(),
            2
        );

        // 重新生成: a new number; a double click makes one.
        let seen = recounted.id.to_string();
        for _ in 0..2 {
            unit.post(
                "/org/certificates/regenerate",
                &[
                    ("account", &z),
                    ("year", "2025"),
                    ("form_key", &key(5)),
                    ("replaces", &seen),
                ],
            )
            .await;
        }
        let all = app.state.store.certificates_of(zhangwei).await.unwrap();
        assert_eq!(all.len(), 3, "one new certificate for two clicks");
        assert_ne!(all[0].number, first.number);
        assert_eq!(all[0].state, domain::certificate::CertificateState::Valid);
        assert_eq!(
            all.iter()
                .filter(|c| c.state == domain::certificate::CertificateState::Valid)
                .count(),
            1,
            "one valid certificate of the year"
        );
        unit.get("/org/certificates?year=2025")
            .await
            .assert_contains(&format!("新编号 {}", all[0].number));

        // Another unit's clerk can neither print for zhangwei nor open the certificate.
        let thzx = crate::orgs::org_named(&app, "广州市天河中学").await.id;
        let mut other = crate::orgs::acting(&app, "thzx", thzx).await;
        other
            .get("/org/certificates?year=2025")
            .await
            .assert_lacks("张伟");
        let r = other
            .post(
                "/org/certificates/regenerate",
                &[("account", &z), ("year", "2025"), ("form_key", &key(6))],
            )
            .await;
        assert_eq!(r.status, 404);
        assert_eq!(
            other
                .get(&format!("/org/certificates/{}/pdf", all[0].id))
                .await
                .status,
            404
        );
        assert_eq!(
            app.state
                .store
                .certificates_of(zhangwei)
                .await
                .unwrap()
                .len(),
            3
        );

        // When zhangwei leaves, the school prints his certificates no more.
        let binding = app
            .state
            .store
            .open_binding(zhangwei)
            .await
            .unwrap()
            .expect("zhangwei's binding");
        app.state
            .store
            .change_binding(
                binding.id,
                yz,
                domain::binding::BindingState::Confirmed,
                domain::binding::BindingState::Ended,
                "调离",
                zhangwei,
                app.state.now(),
            )
            .await
            .unwrap();
        assert_eq!(
            unit.get(&format!("/org/certificates/{}/pdf", all[0].id))
                .await
                .status,
            404
        );
        unit.get("/org/certificates?year=2025")
            .await
            .assert_lacks("1101**********2711");
    }
);

/// The unit's staff with approved hours in 2025, with their valid certificates.
async fn with_hours_in_2025(
    app: &TestApp,
    unit: i64,
) -> store::Page<store::certificates::StaffCertificateRow> {
    app.state
        .store
        .staff_certificates(
            &store::records::StaffYearFilter {
                within: unit,
                year: 2025,
                page: 1,
                per_page: 200,
                ..Default::default()
            },
            true,
        )
        .await
        .unwrap()
}

on_both_engines!(a_unit_prints_a_years_certificates_as_one_zip, |app| {
    with_demo(&app).await;
    // The batch counts as its own the first issues of its clerk since it started: it starts
    // after the demo's certificates were issued.
    app.clock.advance(chrono::Duration::minutes(10));
    let (mut unit, yz) = unit_clerk(&app).await;
    let staff = with_hours_in_2025(&app, yz).await;
    assert!(
        staff.total >= 2,
        "demo staff with 2025 hours: {}",
        staff.total
    );
    let held_before = staff
        .items
        .iter()
        .filter(|r| r.certificate_id.is_some())
        .count();
    unit.get("/org/certificates?year=2025").await;
    let r = unit
        .post(
            "/org/certificates/batch",
            &[("year", "2025"), ("form_key", &key(7))],
        )
        .await;
    let to = r.location.clone().expect("to the batch page");
    assert!(to.starts_with("/org/certificates/batch/"), "{to}");
    // A double click starts no second batch.
    unit.post(
        "/org/certificates/batch",
        &[("year", "2025"), ("form_key", &key(7))],
    )
    .await
    .assert_redirect(&to);
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    finished(&app, id).await;
    let page = unit.get(&to).await;
    page.assert_contains("已完成");
    page.assert_contains(&format!("共 {} 份证书", staff.total));
    page.assert_contains(&format!(
        "本次新生成 {} 份",
        staff.total as usize - held_before
    ));
    let zip = unit.get_bytes(&format!("{to}/zip")).await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a ZIP");
    assert_eq!(archive.len() as u64, staff.total);
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().expect("a UTF-8 name").into_owned();
        let mut pdf = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{name} is a PDF");
        names.push(name);
    }
    assert!(names.iter().any(|n| n.ends_with("-张伟.pdf")), "{names:?}");
    // Everyone printed now holds a valid certificate; another unit cannot see the batch.
    let after = with_hours_in_2025(&app, yz).await;
    assert!(after.items.iter().all(|r| r.certificate_id.is_some()));
    let thzx = crate::orgs::org_named(&app, "广州市天河中学").await.id;
    let mut other = crate::orgs::acting(&app, "thzx", thzx).await;
    assert_eq!(other.get(&to).await.status, 404);
    assert_eq!(other.get(&format!("{to}/zip")).await.status, 404);
});

on_both_engines!(an_approved_cycle_verification_gets_its_certificate, |app| {
    with_demo(&app).await;
    let account = crate::orgs::account_id(&app, "demo33").await;
    let cycle = app.state.store.cycles_of(account).await.unwrap()[0].clone();
    assert_eq!(cycle.state, domain::cycle::ApplicationState::Approved);
    let mut person = signed_in(&app, "demo33").await;
    let list = person.get("/me/certificates").await;
    list.assert_contains("周期验证证书");
    person
        .post(
            "/me/certificates/cycle",
            &[("cycle", &cycle.id.to_string())],
        )
        .await;
    let cert = app
        .state
        .store
        .valid_certificate(
            account,
            domain::certificate::CertificateKind::Cycle,
            None,
            Some(cycle.id),
        )
        .await
        .unwrap()
        .expect("a cycle certificate");
    assert!(cert.number.starts_with("JXZQ"), "{}", cert.number);
    let years = format!("{}年—{}年", cycle.year_from, cycle.year_to);
    let shown = person.get(&format!("/me/certificates/{}", cert.id)).await;
    shown.assert_contains(&years);
    shown.assert_contains("中级晋升副高");
    let text = pdf_text(
        &person
            .get_bytes(&format!("/me/certificates/{}/pdf", cert.id))
            .await,
    );
    assert!(
        text.contains("继续教育周期验证") && text.contains(&years),
        "{text}"
    );
    assert!(text.contains("通过") && text.contains("高级职称"), "{text}");
    let mut anyone = Client::new(&app);
    let public = anyone.get(&format!("/verify/{}", cert.code)).await;
    public.assert_contains("验证年度");
    public.assert_contains(&years);
    public.assert_contains("有效");

    // A cycle still under review has no certificate yet.
    let waiting = crate::orgs::account_id(&app, "demo17").await;
    let open = app.state.store.cycles_of(waiting).await.unwrap()[0].clone();
    let mut demo17 = signed_in(&app, "demo17").await;
    demo17.get("/me/certificates").await;
    demo17
        .post("/me/certificates/cycle", &[("cycle", &open.id.to_string())])
        .await;
    assert!(
        app.state
            .store
            .certificates_of(waiting)
            .await
            .unwrap()
            .is_empty()
    );
    // Nor does anyone else's.
    let r = demo17
        .post(
            "/me/certificates/cycle",
            &[("cycle", &cycle.id.to_string())],
        )
        .await;
    assert_eq!(r.status, 404);
});

on_both_engines!(
    two_issues_of_one_year_at_once_leave_one_valid_certificate,
    |app| {
        with_demo(&app).await;
        let account = crate::orgs::account_id(&app, "zhangwei").await;
        let yz = crate::orgs::org_named(&app, "广州市第一中学").await.id;
        let store = &app.state.store;
        let new = |code: &'static str| store::certificates::NewCertificate {
            kind: domain::certificate::CertificateKind::Year,
            account_id: account,
            unit_id: yz,
            year: Some(2025),
            cycle_id: None,
            facts: "{}",
            code,
            issued_by: account,
            replaces: None,
            recount_of: None,
        };
        let now = app.state.now();
        let (na, nb, nc) = (
            new("ACDEFGHJKMNP"),
            new("QRTUVWXY3467"),
            new("9ACDEFGHJKMN"),
        );
        let (a, b, c) = tokio::join!(
            store.issue_certificate(&na, |id| format!("A{id}"), now),
            store.issue_certificate(&nb, |id| format!("B{id}"), now),
            store.issue_certificate(&nc, |id| format!("C{id}"), now),
        );
        for r in [a, b, c] {
            assert!(
                matches!(
                    r,
                    Ok(store::certificates::Issued::Done(_) | store::certificates::Issued::Raced)
                ),
                "{r:?}"
            );
        }
        let all = store.certificates_of(account).await.unwrap();
        assert_eq!(
            all.iter()
                .filter(|c| c.state == domain::certificate::CertificateState::Valid)
                .count(),
            1,
            "{all:?}"
        );
        // A code drawn twice is reported as such, not as a race.
        let again = store
            .issue_certificate(&new("ACDEFGHJKMNP"), |id| format!("D{id}"), now)
            .await
            .unwrap();
        assert!(
            matches!(again, store::certificates::Issued::CodeTaken)
                || all.iter().all(|c| c.code != "ACDEFGHJKMNP"),
            "{again:?}"
        );
    }
);

on_both_engines!(a_stale_recount_never_undoes_a_regeneration, |app| {
    with_demo(&app).await;
    let account = crate::orgs::account_id(&app, "zhangwei").await;
    let yz = crate::orgs::org_named(&app, "广州市第一中学").await.id;
    let store = &app.state.store;
    let now = app.state.now();
    let new = |code: &'static str, replaces: Option<i64>, recount_of| {
        store::certificates::NewCertificate {
            kind: domain::certificate::CertificateKind::Year,
            account_id: account,
            unit_id: yz,
            year: Some(2025),
            cycle_id: None,
            facts: "{}",
            code,
            issued_by: account,
            replaces,
            recount_of,
        }
    };
    let done = |i: store::certificates::Issued| match i {
        store::certificates::Issued::Done(c) => c,
        other => panic!("{other:?}"),
    };
    let first = done(
        store
            .issue_certificate(&new("ACDEFGHJKMNP", None, None), |id| format!("N{id}"), now)
            .await
            .unwrap(),
    );
    // A second first issue (another tab) is refused: it would supersede a printed one.
    let twin = store
        .issue_certificate(&new("QRTUVWXY3467", None, None), |id| format!("N{id}"), now)
        .await
        .unwrap();
    assert!(
        matches!(twin, store::certificates::Issued::Raced),
        "{twin:?}"
    );
    // Regenerated by one clerk…
    let regenerated = done(
        store
            .issue_certificate(
                &new("9ACDEFGHJKMN", Some(first.id), None),
                |id| format!("N{id}"),
                now,
            )
            .await
            .unwrap(),
    );
    // …while another recounts the certificate they saw before: refused, nothing changes.
    let stale = store
        .issue_certificate(
            &new(
                "HJKMNPQRTUVW",
                Some(first.id),
                Some((first.number.as_str(), first.revision)),
            ),
            |id| format!("N{id}"),
            now,
        )
        .await
        .unwrap();
    assert!(
        matches!(stale, store::certificates::Issued::Raced),
        "{stale:?}"
    );
    let all = store.certificates_of(account).await.unwrap();
    let valid: Vec<_> = all
        .iter()
        .filter(|c| c.state == domain::certificate::CertificateState::Valid)
        .collect();
    assert_eq!(valid.len(), 1);
    assert_eq!(valid[0].id, regenerated.id);
    assert_eq!(all.len(), 2, "{all:?}");

    // The person's own form sent twice: one certificate; the cycle's is issued once.
    let mut person = signed_in(&app, "zhangwei").await;
    person.get("/me/certificates").await;
    let form_key = key(9);
    let shown = regenerated.id.to_string();
    for _ in 0..2 {
        person
            .post(
                "/me/certificates/year",
                &[
                    ("year", "2025"),
                    ("form_key", &form_key),
                    ("replaces", &shown),
                ],
            )
            .await;
    }
    assert_eq!(store.certificates_of(account).await.unwrap().len(), 3);
    let demo33 = crate::orgs::account_id(&app, "demo33").await;
    let cycle = store.cycles_of(demo33).await.unwrap()[0].clone();
    let held = store
        .valid_certificate(
            demo33,
            domain::certificate::CertificateKind::Cycle,
            None,
            Some(cycle.id),
        )
        .await
        .unwrap()
        .expect("the demo's cycle certificate");
    let mut p33 = signed_in(&app, "demo33").await;
    p33.get("/me/certificates").await;
    p33.post(
        "/me/certificates/cycle",
        &[("cycle", &cycle.id.to_string())],
    )
    .await
    .assert_redirect(&format!("/me/certificates/{}", held.id));
    let cycle_certificates = store
        .certificates_of(demo33)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.kind == domain::certificate::CertificateKind::Cycle)
        .count();
    assert_eq!(cycle_certificates, 1);
});

/// The text of the part of `html` from `start` (its first occurrence after `after`) to the
/// end of that element's section, as a person reads it: one line per heading, paragraph,
/// table row (each cell followed by " |", so that empty cells still show) and fact
/// ("term: value"); tags and link targets dropped, runs of spaces as one.
pub fn section_text(html: &str, after: &str, start: &str) -> String {
    let from = html.find(after).unwrap_or_else(|| panic!("no {after:?}"));
    let at = from
        + html[from..]
            .find(start)
            .unwrap_or_else(|| panic!("no {start:?}"));
    let end = at + html[at..].find("</section>").expect("the section ends");
    let mut text = String::new();
    let mut rest = &html[at..end];
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = open + rest[open..].find('>').expect("a tag ends");
        let tag = &rest[open + 1..close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match (tag.starts_with('/'), name.as_str()) {
            (true, "td" | "th") => text.push_str(" | "),
            (true, "dt") => text.push_str(": "),
            (_, "p" | "h1" | "h2" | "tr" | "div" | "dl" | "table" | "section" | "br") => {
                text.push('\n')
            }
            _ => {}
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.lines()
        .map(|l| l.split_ascii_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A certificate's number and verification code as placeholders: the number ends in the
/// row's id and the code is random, the rest of the facts stay as printed.
fn redacted(text: &str, cert: &store::certificates::Certificate) -> String {
    let prefix = &cert.number[..8];
    assert!(
        cert.number.len() == 16 && cert.number[8..].bytes().all(|b| b.is_ascii_digit()),
        "a number is its kind, its year and eight digits of its id: {}",
        cert.number
    );
    assert_eq!(cert.code.len(), 12, "{}", cert.code);
    text.replace(&cert.number, &format!("{prefix}[id]"))
        .replace(&cert.code, "[code]")
}

/// Every fact a certificate was issued with, as frozen (the PDF is typeset from these).
fn stored_facts(cert: &store::certificates::Certificate) -> jxjy_web::certificates::Facts {
    serde_json::from_str(&cert.facts).expect("the certificate's facts")
}

on_both_engines!(a_year_certificates_facts_snapshot, |app| {
    with_demo(&app).await;
    let account = crate::orgs::account_id(&app, "zhangwei").await;
    let mut person = signed_in(&app, "zhangwei").await;
    person.get("/me/certificates").await;
    person
        .post("/me/certificates/year", &[("year", "2025")])
        .await;
    let cert = app.state.store.certificates_of(account).await.unwrap()[0].clone();
    insta::assert_debug_snapshot!("year_facts", stored_facts(&cert));
    let page = person.get(&format!("/me/certificates/{}", cert.id)).await;
    insta::assert_snapshot!(
        "year_page",
        redacted(
            &section_text(&page.body, "<main", "<section class=\"card certificate\">"),
            &cert
        )
    );
    let mut anyone = Client::new(&app);
    let public = anyone.get(&format!("/verify/{}", cert.code)).await;
    insta::assert_snapshot!(
        "year_verify",
        redacted(
            &section_text(&public.body, "</form>", "<section class=\"card\">"),
            &cert
        )
    );

    // Regenerated: the old certificate's page and public page say it is superseded.
    person.get(&format!("/me/certificates/{}", cert.id)).await;
    person.get("/me/certificates").await;
    person
        .post(
            "/me/certificates/year",
            &[("year", "2025"), ("replaces", &cert.id.to_string())],
        )
        .await;
    let old = app.state.store.certificate(cert.id).await.unwrap().unwrap();
    assert_eq!(old.state, domain::certificate::CertificateState::Superseded);
    let page = person.get(&format!("/me/certificates/{}", old.id)).await;
    insta::assert_snapshot!(
        "superseded_page",
        redacted(
            &format!(
                "{}\n{}",
                section_text(&page.body, "<main", "<section class=\"card notice\""),
                section_text(&page.body, "<main", "<section class=\"card certificate\">")
            ),
            &old
        )
    );
    let public = anyone.get(&format!("/verify/{}", old.code)).await;
    insta::assert_snapshot!(
        "superseded_verify",
        redacted(
            &section_text(&public.body, "</form>", "<section class=\"card\">"),
            &old
        )
    );
});

on_both_engines!(
    a_specially_approved_cycle_certificates_facts_snapshot,
    |app| {
        with_demo(&app).await;
        // demo33's cycle fell short and was approved at every level as a special approval.
        let account = crate::orgs::account_id(&app, "demo33").await;
        let cycle = app.state.store.cycles_of(account).await.unwrap()[0].clone();
        assert_eq!(cycle.state, domain::cycle::ApplicationState::Approved);
        let mut person = signed_in(&app, "demo33").await;
        person.get("/me/certificates").await;
        person
            .post(
                "/me/certificates/cycle",
                &[("cycle", &cycle.id.to_string())],
            )
            .await;
        let cert = app
            .state
            .store
            .valid_certificate(
                account,
                domain::certificate::CertificateKind::Cycle,
                None,
                Some(cycle.id),
            )
            .await
            .unwrap()
            .expect("a cycle certificate");
        insta::assert_debug_snapshot!("cycle_facts", stored_facts(&cert));
        let page = person.get(&format!("/me/certificates/{}", cert.id)).await;
        insta::assert_snapshot!(
            "cycle_page",
            redacted(
                &section_text(&page.body, "<main", "<section class=\"card certificate\">"),
                &cert
            )
        );
        let mut anyone = Client::new(&app);
        let public = anyone.get(&format!("/verify/{}", cert.code)).await;
        insta::assert_snapshot!(
            "cycle_verify",
            redacted(
                &section_text(&public.body, "</form>", "<section class=\"card\">"),
                &cert
            )
        );
    }
);
