//! The printed certificate: the frozen facts of a certificate laid out by
//! `templates/certificates/certificate.typ`, with a QR code to its public verification page.

use qrcode::QrCode;
use qrcode::render::svg;
use serde::Serialize;
use store::certificates::Certificate;

use super::Facts;
use crate::print::{PrintError, Printer};

const TEMPLATE: &str = include_str!("../../templates/certificates/certificate.typ");

/// The public address of a certificate's verification page.
pub fn verify_url(public_url: &str, code: &str) -> String {
    format!("{}/verify/{code}", public_url.trim_end_matches('/'))
}

#[derive(Serialize)]
struct Hours {
    head: [&'static str; 5],
    rows: Vec<[String; 5]>,
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'static str,
    subtitle: String,
    statement: String,
    /// Label, value, and how many of the four columns the value spans.
    facts: Vec<(&'static str, &'a str, u8)>,
    hours: Hours,
    number: &'a str,
    code: &'a str,
    issued: String,
    issuer: &'a str,
    url: String,
    note: &'static str,
}

/// The PDF of a certificate, as anyone holding it will see it.
pub fn render(
    printer: &Printer,
    cert: &Certificate,
    facts: &Facts,
    public_url: &str,
) -> Result<Vec<u8>, PrintError> {
    let url = verify_url(public_url, &cert.code);
    let qr = QrCode::new(url.as_bytes())
        .map_err(|e| PrintError::Template(format!("QR: {e}")))?
        .render::<svg::Color>()
        .quiet_zone(false)
        .build();
    let number = super::printed_number(cert);
    let cycle = cert.kind == domain::certificate::CertificateKind::Cycle;
    let period = if cycle {
        facts.years.clone()
    } else {
        format!("{}年度", facts.year)
    };
    let mut list: Vec<(&'static str, &str, u8)> = vec![
        ("姓名", &facts.name, 1),
        ("公民身份号码", &facts.doc_masked, 1),
        ("工作单位", &facts.unit, 3),
        ("专业系列", &facts.series, 1),
        (
            if cycle {
                "验证年度"
            } else {
                "培训年度"
            },
            &period,
            1,
        ),
    ];
    if cycle {
        list.push(("申报类别", &facts.promotion, 1));
        list.push(("拟申报资格", &facts.target, 1));
    }
    list.push(("学时要求", &facts.required, 1));
    list.push(("验证结果", &facts.result, 1));
    if !facts.special.is_empty() {
        list.push(("特批说明", &facts.special, 3));
    }
    let count = |c: &str| {
        if c.is_empty() {
            "—".to_owned()
        } else {
            c.to_owned()
        }
    };
    let data = Data {
        title: "专业技术人员继续教育证书",
        subtitle: if cycle {
            format!("继续教育周期验证 · {period}")
        } else {
            format!("继续教育学时证明 · {period}")
        },
        statement: if cycle {
            format!(
                "兹证明{}同志{}继续教育周期验证（{}，拟申报{}）经审核{}，周期内经审核确认的继续教育学时如下。",
                facts.name, period, facts.promotion, facts.target, facts.result
            )
        } else {
            match facts.result.as_str() {
                "达标" | "未达标" => format!(
                    "兹证明{}同志{}参加专业技术人员继续教育，经审核确认的学时如下，年度验证{}。",
                    facts.name, period, facts.result
                ),
                _ => format!(
                    "兹证明{}同志{}参加专业技术人员继续教育，经审核确认的学时如下。",
                    facts.name, period
                ),
            }
        },
        facts: list,
        hours: Hours {
            head: ["", "公需科目", "专业科目", "选修科目", "合计"],
            rows: vec![
                [
                    "门数".into(),
                    count(&facts.public_count),
                    count(&facts.professional_count),
                    count(&facts.elective_count),
                    count(&facts.total_count),
                ],
                [
                    "学时".into(),
                    facts.public.clone(),
                    facts.professional.clone(),
                    facts.elective.clone(),
                    facts.total.clone(),
                ],
            ],
        },
        number: &number,
        code: &cert.code,
        issued: crate::clock::shanghai_date(cert.issued_at)
            .format("%Y年%-m月%-d日")
            .to_string(),
        issuer: "专业技术人员继续教育管理系统",
        url,
        note: "本证书所列学时为发证时经审核确认的学时（1天折合6学时）；证书状态以核验网址显示为准。",
    };
    let json = serde_json::to_vec(&data).map_err(|e| PrintError::Template(e.to_string()))?;
    printer.pdf(
        TEMPLATE,
        &[("data.json", json), ("qr.svg", qr.into_bytes())],
        &format!("{number}/{}", cert.code),
        cert.issued_at,
    )
}
