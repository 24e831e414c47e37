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
            "30.0 学时",
            "42.0 学时",
            "18.0 学时",
            "90.0 学时",
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

        // Regenerated: a new number, the old one superseded and said so publicly.
        person.get("/me/certificates").await;
        person
            .post("/me/certificates/year", &[("year", "2025")])
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
            (new.state.as_str(), old.state.as_str()),
            ("valid", "superseded")
        );
        assert_eq!(old.superseded_by, Some(new.id));
        anyone
            .get(&format!("/verify/{}", old.code))
            .await
            .assert_contains("已作废（已重新生成）");
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
