//! Server-made captcha: the text is drawn as jittered dots of a small bitmap font
//! (no text in the SVG to read back), and only its hash is kept in the session.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use rand::Rng;

use crate::AppState;
use crate::session::{CaptchaState, Session, sha256_hex};

const LEN: usize = 5;
const LIFETIME_MINUTES: i64 = 10;

/// 5×7 glyphs of the characters used; look-alikes (0/O, 1/I/L, Z/2) left out.
const GLYPHS: &[(char, [&str; 7])] = &[
    (
        '3',
        [
            "#####", "....#", "...#.", "..##.", "....#", "#...#", ".###.",
        ],
    ),
    (
        '4',
        [
            "...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#.",
        ],
    ),
    (
        '5',
        [
            "#####", "#....", "####.", "....#", "....#", "#...#", ".###.",
        ],
    ),
    (
        '6',
        [
            "..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###.",
        ],
    ),
    (
        '7',
        [
            "#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#...",
        ],
    ),
    (
        '8',
        [
            ".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###.",
        ],
    ),
    (
        '9',
        [
            ".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##..",
        ],
    ),
    (
        'A',
        [
            ".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#",
        ],
    ),
    (
        'B',
        [
            "####.", "#...#", "#...#", "####.", "#...#", "#...#", "####.",
        ],
    ),
    (
        'C',
        [
            ".###.", "#...#", "#....", "#....", "#....", "#...#", ".###.",
        ],
    ),
    (
        'D',
        [
            "###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###..",
        ],
    ),
    (
        'E',
        [
            "#####", "#....", "#....", "####.", "#....", "#....", "#####",
        ],
    ),
    (
        'F',
        [
            "#####", "#....", "#....", "####.", "#....", "#....", "#....",
        ],
    ),
    (
        'G',
        [
            ".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####",
        ],
    ),
    (
        'H',
        [
            "#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#",
        ],
    ),
    (
        'K',
        [
            "#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#",
        ],
    ),
    (
        'M',
        [
            "#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#",
        ],
    ),
    (
        'N',
        [
            "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#",
        ],
    ),
    (
        'P',
        [
            "####.", "#...#", "#...#", "####.", "#....", "#....", "#....",
        ],
    ),
    (
        'R',
        [
            "####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#",
        ],
    ),
    (
        'T',
        [
            "#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#..",
        ],
    ),
    (
        'U',
        [
            "#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.",
        ],
    ),
    (
        'W',
        [
            "#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#.",
        ],
    ),
    (
        'X',
        [
            "#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#",
        ],
    ),
    (
        'Y',
        [
            "#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#..",
        ],
    ),
];

fn normalise(answer: &str) -> String {
    answer.trim().to_ascii_uppercase()
}

/// Whether the registration and recovery forms carry a captcha: always, unless captchas are
/// turned off altogether (`JXJY_CAPTCHA=off`, for load tests and scripted runs, which the
/// server warns about at start). `after-failure` concerns the sign-in form only.
pub fn on_every_form(app: &AppState) -> bool {
    app.config.captcha != crate::config::CaptchaMode::Off
}

/// Compares the typed answer with the session's captcha, which is then spent
/// whatever the outcome: one image, one try.
pub fn check(app: &AppState, session: &Session, typed: &str) -> bool {
    let now = app.now();
    let state = session.update(|d| d.captcha.take());
    match state {
        Some(c) if c.expires_at > now => c.answer_hash == sha256_hex(&normalise(typed)),
        _ => false,
    }
}

pub async fn image(
    axum::extract::State(app): axum::extract::State<AppState>,
    session: Session,
) -> impl IntoResponse {
    let text: String = match &app.fixed_captcha {
        Some(t) => t.clone(),
        None => {
            let mut rng = rand::rng();
            (0..LEN)
                .map(|_| GLYPHS[rng.random_range(0..GLYPHS.len())].0)
                .collect()
        }
    };
    session.update(|d| {
        d.captcha = Some(CaptchaState {
            answer_hash: sha256_hex(&normalise(&text)),
            expires_at: app.now() + chrono::Duration::minutes(LIFETIME_MINUTES),
        })
    });
    (
        [(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, "no-store")],
        render(&text),
    )
}

fn render(text: &str) -> String {
    let mut rng = rand::rng();
    let (w, h) = (130.0_f32, 44.0_f32);
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="100%" height="100%" fill="#f3f6fa"/>"##
    );
    for _ in 0..6 {
        svg.push_str(&format!(
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#9fb3c8" stroke-width="1"/>"##,
            rng.random_range(0.0..w),
            rng.random_range(0.0..h),
            rng.random_range(0.0..w),
            rng.random_range(0.0..h)
        ));
    }
    for (i, ch) in text.chars().enumerate() {
        let Some((_, rows)) = GLYPHS.iter().find(|(c, _)| *c == ch) else {
            continue;
        };
        let ox = 10.0 + i as f32 * 23.0 + rng.random_range(-2.0..2.0);
        let oy = 6.0 + rng.random_range(-3.0..3.0);
        let angle = rng.random_range(-14.0..14.0);
        let colour = ["#1d4e89", "#7a2e8e", "#0b6e4f", "#8a3b12", "#2d3a8c"][i % 5];
        svg.push_str(&format!(
            r#"<g transform="rotate({angle:.1} {:.1} {:.1})" fill="{colour}">"#,
            ox + 9.0,
            oy + 16.0
        ));
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.chars().enumerate() {
                if cell == '#' {
                    svg.push_str(&format!(
                        r#"<rect x="{:.1}" y="{:.1}" width="4.2" height="4.2" rx="1"/>"#,
                        ox + c as f32 * 4.0 + rng.random_range(-0.6..0.6),
                        oy + r as f32 * 4.5 + rng.random_range(-0.6..0.6)
                    ));
                }
            }
        }
        svg.push_str("</g>");
    }
    for _ in 0..40 {
        svg.push_str(&format!(
            r##"<circle cx="{:.1}" cy="{:.1}" r="0.9" fill="#5b7590"/>"##,
            rng.random_range(0.0..w),
            rng.random_range(0.0..h)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glyph_is_five_by_seven() {
        for (c, rows) in GLYPHS {
            assert_eq!(rows.len(), 7, "{c}");
            assert!(rows.iter().all(|r| r.len() == 5), "{c}");
        }
    }

    #[test]
    fn the_image_does_not_contain_its_text() {
        let svg = render("AB345");
        assert!(svg.starts_with("<svg"));
        assert!(!svg.contains("AB345"));
        assert!(!svg.contains("<text"));
    }
}
