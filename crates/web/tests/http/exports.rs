//! Excel exports: real xlsx files, read back with calamine, holding what the list holds.

use std::io::Cursor;

use calamine::{Reader, Xlsx};

use crate::on_both_engines;
#[allow(unused_imports)]
use crate::support::*;

fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let name = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&name).expect("the sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

on_both_engines!(the_staff_list_exports_what_it_shows, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("yizhong", "Study2026gd")
        .await
        .assert_redirect("/act");
    let act = c.get("/act").await;
    let yz = app
        .state
        .store
        .organizations(&store::organizations::OrgFilter {
            name: Some("广州市第一中学".into()),
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .remove(0);
    assert!(act.body.contains("广州市第一中学"));
    c.post("/act", &[("org", &yz.id.to_string())])
        .await
        .assert_redirect("/");

    let page = c.get("/org/staff?state=confirmed").await;
    page.assert_contains("导出Excel");
    let r = c.get("/org/staff.xlsx?state=confirmed").await;
    assert_eq!(r.status, 200);
    let kind = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let disposition = r
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(disposition.contains("attachment"), "{disposition}");

    let bytes = c.get_bytes("/org/staff.xlsx?state=confirmed").await;
    let rows = sheet_rows(&bytes);
    assert_eq!(rows[0][0], "姓名");
    assert_eq!(rows[0][2], "证件号码");
    let listed = app
        .state
        .store
        .staff(&store::bindings::StaffFilter {
            within: yz.id,
            state: Some(domain::binding::BindingState::Confirmed),
            per_page: 200,
            page: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        rows.len() as u64 - 1,
        listed.total,
        "one row per person, as the list counts"
    );
    assert!(rows.iter().any(|r| r[0] == "张伟"), "zhangwei is exported");
    // Numbers stay masked in the file too.
    assert!(
        rows.iter().skip(1).all(|r| r[2].contains("**********")),
        "{:?}",
        rows[1]
    );
    assert!(!rows.iter().any(|r| r[2] == "110101199003072711"));

    // The export keeps to the organisation's own subtree, like the page.
    let mut other = Client::new(&app);
    other.sign_in("thzx", "Study2026gd").await;
    let thzx = app
        .state
        .store
        .organizations(&store::organizations::OrgFilter {
            name: Some("广州市天河中学".into()),
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .remove(0);
    other.get("/act").await;
    other.post("/act", &[("org", &thzx.id.to_string())]).await;
    let theirs = sheet_rows(&other.get_bytes("/org/staff.xlsx").await);
    assert!(
        !theirs.iter().any(|r| r[0] == "张伟"),
        "another unit's staff are not exported"
    );
    // As oneself there is nothing to export.
    let mut person = Client::new(&app);
    person.sign_in("zhangwei", "Study2026gd").await;
    assert_eq!(person.get("/org/staff.xlsx").await.status, 404);
});

/// Every sheet of a workbook as text: the sheet's name, then one line per row with its cells
/// separated by " | ", as a person reads them in a spreadsheet (an empty last cell leaves the
/// line ending in "|", so that no line ends in a space).
pub fn workbook_text(bytes: &[u8]) -> String {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("the sheet");
        out.push_str(&format!("== {name}\n"));
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            out.push_str(cells.join(" | ").trim_end());
            out.push('\n');
        }
    }
    out
}

/// `%E5%BC%A0…` as the text it encodes.
fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("a UTF-8 file name")
}

/// An export as the person downloading it gets it: the file name offered, then every sheet.
pub async fn export_text(c: &mut Client, path: &str) -> String {
    let r = c.get(path).await;
    assert_eq!(r.status, 200, "{path}");
    let header = |name: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert!(
        header("content-type").contains("spreadsheetml"),
        "{path}: {}",
        header("content-type")
    );
    let disposition = header("content-disposition");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let name = disposition
        .split("filename*=UTF-8''")
        .nth(1)
        .map(percent_decoded)
        .unwrap_or_else(|| panic!("{path}: no file name in {disposition}"));
    format!(
        "GET {path}\nfile: {name}\n{}",
        workbook_text(&c.get_bytes(path).await)
    )
}

on_both_engines!(staff_list_exports_snapshot, |app| {
    with_demo(&app).await;
    let yz = crate::orgs::org_named(&app, "广州市第一中学").await.id;
    let mut c = crate::orgs::acting(&app, "yizhong", yz).await;
    insta::assert_snapshot!(
        "staff_of_a_unit",
        export_text(&mut c, "/org/staff.xlsx").await
    );
    let gzjy = crate::orgs::org_named(&app, "广州市教育局").await.id;
    let mut c = crate::orgs::acting(&app, "gzjy", gzjy).await;
    // In the list's own order (newest request first), not sort=name: names are ordered by
    // the database's collation, which PostgreSQL takes from the server's locale.
    insta::assert_snapshot!(
        "confirmed_staff_of_a_department",
        export_text(&mut c, "/org/staff.xlsx?state=confirmed").await
    );
});

on_both_engines!(record_exports_snapshot, |app| {
    with_demo(&app).await;
    let mut person = crate::orgs::signed_in(&app, "zhangwei").await;
    insta::assert_snapshot!(
        "records_of_a_person",
        export_text(&mut person, "/me/records.xlsx").await
    );
    let yz = crate::orgs::org_named(&app, "广州市第一中学").await.id;
    let mut unit = crate::orgs::acting(&app, "yizhong", yz).await;
    insta::assert_snapshot!(
        "records_of_a_unit",
        export_text(&mut unit, "/org/records.xlsx").await
    );
    insta::assert_snapshot!(
        "import_template",
        export_text(&mut unit, "/org/records/import/template.xlsx").await
    );
});

on_both_engines!(verification_exports_snapshot, |app| {
    with_demo(&app).await;
    let yz = crate::orgs::org_named(&app, "广州市第一中学").await.id;
    let mut unit = crate::orgs::acting(&app, "yizhong", yz).await;
    insta::assert_snapshot!(
        "yearly_table_of_a_unit",
        export_text(&mut unit, "/org/verification.xlsx?year=2025").await
    );
    let gzhr = crate::orgs::org_named(&app, "广州市人力资源和社会保障局")
        .await
        .id;
    let mut city = crate::orgs::acting(&app, "gzhr", gzhr).await;
    insta::assert_snapshot!(
        "cycle_verifications_of_a_city",
        export_text(&mut city, "/org/cycles/search.xlsx").await
    );
});
